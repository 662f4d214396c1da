//! Execution, following Go's `text/template/exec.go` (Go 1.26) function by function, so that
//! the same template fails at the same node with the same message.
//!
//! Go's `reflect.Value` of static type `interface{}` matters in a few places (a nil
//! interface prints `<no value>` when it is an action's result but makes `upper` say
//! `got interface {}` when passed as an argument; `can't evaluate field X in type
//! interface {}`). [`Rv`] carries that bit next to the value: whether the slot it came
//! from has an interface type. Pipelines strip it, as Go's `evalPipeline` does.

use super::parse::{self, Arg, Command, Node, Pipe, Var};
use super::value::{Type, Value};
use super::{Budget, Ctx, ExecOptions, Function, MissingKey, Param, Template, TemplateError};
use crate::diagnostic::Span;

/// A value and whether its slot has an interface type.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rv {
    pub(crate) v: Value,
    pub(crate) iface: bool,
}

impl Rv {
    fn plain(v: Value) -> Rv {
        Rv { v, iface: false }
    }

    fn slot(v: Value, ty: &Type) -> Rv {
        Rv { v, iface: ty.is_interface() }
    }

    fn invalid() -> Rv {
        Rv::default()
    }

    fn is_invalid(&self) -> bool {
        matches!(self.v, Value::Invalid)
    }

    /// Go's `value.Type().String()` for error messages.
    fn type_name(&self) -> String {
        if self.iface { "interface {}".to_owned() } else { self.v.type_of().to_string() }
    }
}

/// The node execution is at, for error messages.
#[derive(Debug, Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Arg(&'t Arg),
    Cmd(&'t Command),
    Var(&'t Var),
}

enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, TemplateError>;

/// Nested walks allowed in one execution: template calls times the control structures in
/// each (either alone is bounded more tightly), so native recursion stays shallow.
const MAX_WALK_NESTING: usize = 400;

pub(crate) fn execute(tmpl: &Template, data: &Value, options: &ExecOptions) -> R<String> {
    execute_counted(tmpl, data, options).0
}

/// [`execute`], and the steps it spent (whether or not it succeeded).
pub(crate) fn execute_counted(
    tmpl: &Template,
    data: &Value,
    options: &ExecOptions,
) -> (R<String>, u64) {
    let data = match data {
        Value::Nil => Value::Invalid,
        other => other.clone(),
    };
    let mut state = State {
        tmpl,
        name: tmpl.name.clone(),
        vars: vec![("$".to_owned(), Rv::plain(data.clone()))],
        depth: 0,
        nesting: 0,
        at: At::None,
        out: String::new(),
        budget: Budget::new(options.limits),
        options,
    };
    let Some(root) = tmpl.trees.trees.get(&tmpl.name) else {
        let name = crate::gostring::quote(&tmpl.name);
        return (Err(state.error(format!("{name} is an incomplete or empty template"))), 0);
    };
    let result = state.walk_list(&Rv::plain(data), root);
    let steps = state.budget.spent();
    (result.map(|_| state.out), steps)
}

struct State<'t> {
    tmpl: &'t Template,
    /// The template being executed (a `define`d one inside `{{template}}`).
    name: String,
    vars: Vec<(String, Rv)>,
    depth: usize,
    /// Nested `walk`s (control structures and template calls together).
    nesting: usize,
    at: At<'t>,
    out: String,
    budget: Budget,
    options: &'t ExecOptions,
}

impl<'t> State<'t> {
    fn error(&self, message: impl std::fmt::Display) -> TemplateError {
        let name = &self.name;
        let (pos, context) = match self.at {
            At::None => {
                return TemplateError {
                    message: format!("template: {name}: {message}"),
                    span: None,
                };
            }
            At::Node(n) => (node_pos(n), node_string(n)),
            At::Pipe(p) => (p.pos, pipe_string(p)),
            At::Arg(a) => {
                let mut s = String::new();
                parse::write_arg(a, &mut s);
                (a.pos(), s)
            }
            At::Cmd(c) => {
                let mut s = String::new();
                parse::write_command(c, &mut s);
                (c.pos, s)
            }
            At::Var(v) => (v.pos, v.ident.join(".")),
        };
        let text = &self.tmpl.text;
        let before = &text[..pos.min(text.len())];
        let line = 1 + before.matches('\n').count();
        let col = match before.rfind('\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        TemplateError {
            message: format!(
                "template: {}:{line}:{col}: executing {} at <{context}>: {message}",
                self.tmpl.name,
                crate::gostring::quote(name)
            ),
            span: Some(span_at(text, pos, &context)),
        }
    }

    fn limit(&self, e: String) -> TemplateError {
        self.error(e)
    }

    fn step(&mut self) -> R<()> {
        self.budget.step(1).map_err(|e| self.limit(e))
    }

    fn write(&mut self, s: &str) -> R<()> {
        self.out.push_str(s);
        self.budget.output(self.out.len()).map_err(|e| self.limit(e))
    }

    fn var_value(&self, name: &str) -> R<Rv> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, value: Rv) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: Rv) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
        }
    }

    fn walk_list(&mut self, dot: &Rv, nodes: &'t [Node]) -> R<Flow> {
        for node in nodes {
            match self.walk(dot, node)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Rv, node: &'t Node) -> R<Flow> {
        self.at = At::Node(node);
        self.step()?;
        if self.nesting >= MAX_WALK_NESTING {
            return Err(self.error(format!(
                "templates and control structures nested more than {MAX_WALK_NESTING} deep (Baton's limit)"
            )));
        }
        self.nesting += 1;
        let flow = self.walk_node(dot, node);
        self.nesting -= 1;
        flow
    }

    fn walk_node(&mut self, dot: &Rv, node: &'t Node) -> R<Flow> {
        match node {
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(node, &val)?;
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::If(b) => return self.walk_if_or_with(false, dot, b),
            Node::With(b) => return self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, node, b)?,
            Node::Template { name, pipe, .. } => {
                self.walk_template(dot, node, name, pipe.as_ref())?;
            }
            Node::Text { text, .. } => self.write(text)?,
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Rv, b: &'t parse::Branch) -> R<Flow> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let flow = if val.v.is_true() {
            if with { self.walk_list(&val, &b.list) } else { self.walk_list(dot, &b.list) }
        } else if let Some(else_list) = &b.else_list {
            self.walk_list(dot, else_list)
        } else {
            Ok(Flow::Normal)
        };
        self.vars.truncate(mark);
        flow
    }

    fn walk_range(&mut self, dot: &Rv, node: &'t Node, r: &'t parse::Branch) -> R<()> {
        self.at = At::Node(node);
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &r.pipe)?;
        let body_mark = self.vars.len();
        let items: Vec<(Rv, Rv)> = match &val.v {
            Value::List(l) => {
                let elem = l.elem();
                l.items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        (
                            Rv::plain(Value::Int(super::builtins::count(i))),
                            Rv::slot(v.clone(), &elem),
                        )
                    })
                    .collect()
            }
            Value::Map(m) => {
                let (kt, et) = (m.key_type(), m.elem());
                m.entries()
                    .iter()
                    .map(|(k, v)| (Rv::slot(k.clone(), &kt), Rv::slot(v.clone(), &et)))
                    .collect()
            }
            Value::Int(n) | Value::Int64(n) => {
                if r.pipe.decl.len() > 1 {
                    let shown = self.sprint_v(&val.v)?;
                    return Err(self.error(format!(
                        "can't use {shown} to iterate over more than one variable"
                    )));
                }
                let int64 = matches!(val.v, Value::Int64(_));
                let n = (*n).max(0);
                self.budget.step(n.unsigned_abs()).map_err(|e| self.limit(e))?;
                (0..n)
                    .map(|i| {
                        let v = if int64 { Value::Int64(i) } else { Value::Int(i) };
                        (Rv::invalid(), Rv::plain(v))
                    })
                    .collect()
            }
            Value::Invalid => Vec::new(),
            other => {
                let shown = self.sprint_v(other)?;
                return Err(self.error(format!("range can't iterate over {shown}")));
            }
        };
        let mut ran = false;
        for (index, elem) in items {
            ran = true;
            self.step()?;
            let decl = &r.pipe.decl;
            if !decl.is_empty() {
                if r.pipe.is_assign {
                    if decl.len() > 1 {
                        self.set_var(&decl[0].ident[0], index.clone())?;
                    } else {
                        self.set_var(&decl[0].ident[0], elem.clone())?;
                    }
                } else {
                    self.set_top_var(1, elem.clone());
                }
            }
            if decl.len() > 1 {
                if r.pipe.is_assign {
                    self.set_var(&decl[1].ident[0], elem.clone())?;
                } else {
                    self.set_top_var(2, index);
                }
            }
            let flow = self.walk_list(&elem, &r.list);
            self.vars.truncate(body_mark);
            if let Flow::Break = flow? {
                break;
            }
        }
        if let (false, Some(else_list)) = (ran, &r.else_list) {
            self.walk_list(dot, else_list)?;
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn walk_template(
        &mut self,
        dot: &Rv,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t Pipe>,
    ) -> R<()> {
        self.at = At::Node(node);
        let Some(root) = self.tmpl.trees.trees.get(name) else {
            return Err(
                self.error(format!("template {} not defined", crate::gostring::quote(name)))
            );
        };
        if self.depth >= self.options.limits.max_depth {
            return Err(self.error(format!(
                "exceeded maximum template depth ({})",
                self.options.limits.max_depth
            )));
        }
        let new_dot = match pipe {
            Some(pipe) => self.eval_pipeline(dot, pipe)?,
            None => Rv::invalid(),
        };
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".to_owned(), new_dot.clone())]);
        let saved_name = std::mem::replace(&mut self.name, name.to_owned());
        self.depth += 1;
        let result = self.walk_list(&new_dot, root);
        self.depth -= 1;
        self.name = saved_name;
        self.vars = saved_vars;
        result.map(|_| ())
    }

    fn eval_pipeline(&mut self, dot: &Rv, pipe: &'t Pipe) -> R<Rv> {
        self.at = At::Pipe(pipe);
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            // A value of interface type is replaced by what it holds (a nil one by nothing).
            value = Some(if v.iface {
                Rv::plain(if matches!(v.v, Value::Nil) { Value::Invalid } else { v.v })
            } else {
                v
            });
        }
        let value = value.unwrap_or_default();
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.ident[0], value.clone())?;
            } else {
                self.vars.push((var.ident[0].clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'t [Arg], has_final: bool) -> R<()> {
        if args.len() > 1 || has_final {
            let mut s = String::new();
            parse::write_arg(&args[0], &mut s);
            return Err(self.error(format!("can't give argument to non-function {s}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'t Command, fin: Option<Rv>) -> R<Rv> {
        self.step()?;
        let first = &cmd.args[0];
        match first {
            Arg::Field { ident, .. } => {
                self.at = At::Arg(first);
                self.eval_field_chain(dot, dot.clone(), At::Arg(first), ident, Some(&cmd.args), fin)
            }
            Arg::Chain { .. } => self.eval_chain(dot, first, Some(&cmd.args), fin),
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, first, name, At::Cmd(cmd), Some(&cmd.args), fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.is_some())?;
                self.eval_pipeline(dot, p)
            }
            Arg::Variable(v) => self.eval_variable(dot, v, Some(&cmd.args), fin),
            _ => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, fin.is_some())?;
                match first {
                    Arg::Bool { value, .. } => Ok(Rv::plain(Value::Bool(*value))),
                    Arg::Dot { .. } => Ok(dot.clone()),
                    Arg::Nil { .. } => Err(self.error("nil is not a command")),
                    Arg::Number { num, .. } => self.ideal_constant(first, num),
                    Arg::String { text, .. } => Ok(Rv::plain(Value::string(text))),
                    _ => Err(self.error("can't evaluate command")),
                }
            }
        }
    }

    /// A numeric constant where no type is known: its syntax decides.
    fn ideal_constant(&mut self, arg: &'t Arg, num: &parse::Number) -> R<Rv> {
        self.at = At::Arg(arg);
        let t = num.text.as_str();
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if num.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Rv::plain(Value::Float(num.float)));
        }
        if num.is_int {
            return Ok(Rv::plain(Value::Int(num.int)));
        }
        if num.is_uint {
            return Err(self.error(format!("{t} overflows int")));
        }
        Ok(Rv::invalid())
    }

    fn eval_chain(
        &mut self,
        dot: &Rv,
        chain: &'t Arg,
        args: Option<&'t [Arg]>,
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Arg(chain);
        let Arg::Chain { node, field, .. } = chain else { return Ok(Rv::invalid()) };
        if let Arg::Nil { .. } = **node {
            let mut s = String::new();
            parse::write_arg(chain, &mut s);
            return Err(self.error(format!("indirection through explicit nil in {s}")));
        }
        let receiver = self.eval_arg(dot, None, node)?;
        self.eval_field_chain(dot, receiver, At::Arg(chain), field, args, fin)
    }

    fn eval_variable(
        &mut self,
        dot: &Rv,
        var: &'t Var,
        args: Option<&'t [Arg]>,
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Var(var);
        let value = self.var_value(&var.ident[0])?;
        if var.ident.len() == 1 {
            if let Some(args) = args {
                self.not_a_function(args, fin.is_some())?;
            } else if fin.is_some() {
                return Err(self.error(format!(
                    "can't give argument to non-function {}",
                    var.ident.join(".")
                )));
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, value, At::Var(var), &var.ident[1..], args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        mut receiver: Rv,
        node: At<'t>,
        ident: &'t [String],
        args: Option<&'t [Arg]>,
        fin: Option<Rv>,
    ) -> R<Rv> {
        let n = ident.len();
        for name in &ident[..n - 1] {
            receiver = self.eval_field(dot, name, node, None, None, &receiver)?;
        }
        self.eval_field(dot, &ident[n - 1], node, args, fin, &receiver)
    }

    fn eval_function(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        name: &str,
        cmd: At<'t>,
        args: Option<&'t [Arg]>,
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Arg(node);
        let funcs: &'t super::Funcs = &self.tmpl.funcs;
        let Some((function, builtin)) = funcs.get(name) else {
            let quoted = crate::gostring::quote(name);
            return Err(self.error(format!("{quoted} is not a defined function")));
        };
        self.eval_call(dot, function, builtin, None, cmd, name, args, fin)
    }

    fn eval_field(
        &mut self,
        dot: &Rv,
        name: &str,
        node: At<'t>,
        args: Option<&'t [Arg]>,
        fin: Option<Rv>,
        receiver: &Rv,
    ) -> R<Rv> {
        let has_final = fin.is_some();
        if receiver.is_invalid() {
            if self.options.missing_key == MissingKey::Error {
                let quoted = crate::gostring::quote(name);
                return Err(self.error(format!("nil data; no entry for key {quoted}")));
            }
            return Ok(Rv::invalid());
        }
        let typ = receiver.type_name();
        if matches!(receiver.v, Value::Nil) {
            return Err(self.error(format!("nil pointer evaluating {typ}.{name}")));
        }
        let has_args = args.is_some_and(|a| a.len() > 1) || has_final;
        match &receiver.v {
            Value::Struct(s) => {
                if let Some(function) =
                    s.ty.calls.iter().find(|(n, _)| n == name).map(|(_, f)| f.clone())
                {
                    let receiver = receiver.v.clone();
                    return self.eval_call(
                        dot,
                        &function,
                        false,
                        Some(receiver),
                        node,
                        name,
                        args,
                        fin,
                    );
                }
                if let Some((value, ty)) = s.method(name) {
                    let got =
                        args.map_or(0, |a| a.len().saturating_sub(1)) + usize::from(has_final);
                    if got != 0 {
                        self.at = node;
                        return Err(self
                            .error(format!("wrong number of args for {name}: want 0 got {got}")));
                    }
                    return Ok(Rv::slot(value, &ty));
                }
                if let Some((value, ty)) = s.field(name) {
                    if has_args {
                        return Err(self.error(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Rv::slot(value, &ty));
                }
            }
            // A string is assignable to a `string` or `interface{}` key.
            Value::Map(m) if matches!(m.key_type(), Type::String | Type::Interface) => {
                if has_args {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                let elem = m.elem();
                return match m.get(name) {
                    Some(v) => Ok(Rv::slot(v, &elem)),
                    None => match self.options.missing_key {
                        MissingKey::Default => Ok(Rv::invalid()),
                        MissingKey::Zero => Ok(Rv::slot(elem.zero(), &elem)),
                        MissingKey::Error => {
                            let quoted = crate::gostring::quote(name);
                            Err(self.error(format!("map has no entry for key {quoted}")))
                        }
                    },
                };
            }
            _ => {}
        }
        Err(self.error(format!("can't evaluate field {name} in type {typ}")))
    }

    /// A call of a function, or of a method of `receiver` (which Go binds before the
    /// arguments: `(semver "1.2.3").Compare $v`).
    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        dot: &Rv,
        function: &Function,
        builtin: bool,
        receiver: Option<Value>,
        node: At<'t>,
        name: &str,
        args: Option<&'t [Arg]>,
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.step()?;
        let args: &'t [Arg] = args.map_or(&[], |a| &a[1..]);
        let num_in = args.len() + usize::from(fin.is_some());
        let fixed = function.params.len();
        if function.variadic.is_some() {
            if num_in < fixed {
                return Err(self.error(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != fixed {
            return Err(
                self.error(format!("wrong number of args for {name}: want {fixed} got {num_in}"))
            );
        }
        if builtin && (name == "and" || name == "or") {
            let mut v = Rv::invalid();
            for arg in args {
                v = self.eval_arg(dot, Some(&Param::Reflect), arg)?;
                if v.v.is_true() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(fin) = fin {
                v = fin;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(num_in + 1);
        argv.extend(receiver);
        let mut i = 0;
        while i < fixed && i < args.len() {
            argv.push(self.eval_arg(dot, Some(&function.params[i]), &args[i])?.v);
            i += 1;
        }
        if let Some(rest) = &function.variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, Some(rest), &args[i])?.v);
                i += 1;
            }
        }
        if let Some(fin) = fin {
            let t = match &function.variadic {
                Some(rest) if num_in > fixed => rest,
                _ => function.params.get(num_in - 1).unwrap_or(&Param::Any),
            };
            argv.push(self.validate_type(fin, Some(t))?.v);
        }
        if builtin && name == "call" {
            // Go names the callee by its node; there are no function values here.
            let callee = match args.first() {
                Some(a) => {
                    let mut s = String::new();
                    parse::write_arg(a, &mut s);
                    s
                }
                None => String::new(),
            };
            let message = match argv.first() {
                Some(Value::Invalid | Value::Nil) | None => "call of nil".to_owned(),
                Some(v) => format!("non-function {callee} of type {}", v.type_of()),
            };
            self.at = node;
            return Err(self.error(format!("error calling call: {message}")));
        }
        let mut ctx = Ctx { budget: &mut self.budget, now: self.options.now };
        let result = (function.imp)(&mut ctx, &argv);
        match result {
            Ok(v) => {
                if let Value::String(s) = &v {
                    self.budget.output(s.len()).map_err(|e| self.limit(e))?;
                }
                if v.depth() > super::value::MAX_DEPTH {
                    self.at = node;
                    return Err(self.error(format!(
                        "error calling {name}: value nested more than {} deep (Baton's limit)",
                        super::value::MAX_DEPTH
                    )));
                }
                let iface = matches!(v, Value::Nil);
                Ok(Rv { v, iface })
            }
            Err(e) => {
                self.at = node;
                Err(self.error(format!("error calling {name}: {e}")))
            }
        }
    }

    /// Go's `validateType`: `typ` `None` is "no type" (a chain's receiver).
    fn validate_type(&self, value: Rv, typ: Option<&Param>) -> R<Rv> {
        let Some(typ) = typ else {
            return Ok(value);
        };
        if value.is_invalid() {
            return match typ {
                Param::Any => Ok(Rv { v: Value::Nil, iface: true }),
                Param::Reflect => Ok(value),
                Param::Of(t) if can_be_nil(t) => Ok(Rv::plain(t.zero())),
                Param::Of(t) => Err(self.error(format!("invalid value; expected {t}"))),
            };
        }
        match typ {
            Param::Any | Param::Reflect => Ok(value),
            Param::Of(t) => {
                if !matches!(value.v, Value::Nil) && assignable(&value.v, t) {
                    return Ok(Rv::plain(value.v));
                }
                let got = if value.iface && matches!(value.v, Value::Nil) {
                    "interface {}".to_owned()
                } else {
                    value.v.type_of().to_string()
                };
                Err(self.error(format!("wrong type for value; expected {t}; got {got}")))
            }
        }
    }

    fn eval_arg(&mut self, dot: &Rv, typ: Option<&Param>, n: &'t Arg) -> R<Rv> {
        self.at = At::Arg(n);
        match n {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), typ),
            Arg::Nil { .. } => {
                return match typ {
                    Some(Param::Any) => Ok(Rv { v: Value::Nil, iface: true }),
                    Some(Param::Reflect) => Ok(Rv::invalid()),
                    Some(Param::Of(t)) if can_be_nil(t) => Ok(Rv::plain(t.zero())),
                    Some(Param::Of(t)) => Err(self.error(format!("cannot assign nil to {t}"))),
                    None => Err(self.error("cannot assign nil to <nil>")),
                };
            }
            Arg::Field { ident, .. } => {
                let v = self.eval_field_chain(dot, dot.clone(), At::Arg(n), ident, None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Variable(var) => {
                let v = self.eval_variable(dot, var, None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, typ);
            }
            Arg::Identifier { name, .. } => {
                let v = self.eval_function(dot, n, name, At::Arg(n), None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain { .. } => {
                let v = self.eval_chain(dot, n, None, None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let shown = {
            let mut s = String::new();
            parse::write_arg(n, &mut s);
            s
        };
        match typ {
            Some(Param::Any | Param::Reflect) | None => self.eval_empty_interface(dot, n),
            Some(Param::Of(t)) => match (t.underlying(), n) {
                (Type::Bool, Arg::Bool { value, .. }) => Ok(Rv::plain(Value::Bool(*value))),
                (Type::Bool, _) => Err(self.error(format!("expected bool; found {shown}"))),
                (Type::String, Arg::String { text, .. }) => Ok(Rv::plain(Value::string(text))),
                (Type::String, _) => Err(self.error(format!("expected string; found {shown}"))),
                (Type::Int, Arg::Number { num, .. }) if num.is_int => {
                    Ok(Rv::plain(Value::Int(num.int)))
                }
                (Type::Int64, Arg::Number { num, .. }) if num.is_int => {
                    Ok(Rv::plain(Value::Int64(num.int)))
                }
                (Type::Int | Type::Int64, _) => {
                    Err(self.error(format!("expected integer; found {shown}")))
                }
                (Type::Float64, Arg::Number { num, .. }) if num.is_float => {
                    Ok(Rv::plain(Value::Float(num.float)))
                }
                (Type::Float64, _) => Err(self.error(format!("expected float; found {shown}"))),
                (Type::Interface, _) => self.eval_empty_interface(dot, n),
                _ => Err(self.error(format!("can't handle {shown} for arg of type {t}"))),
            },
        }
    }

    fn eval_empty_interface(&mut self, dot: &Rv, n: &'t Arg) -> R<Rv> {
        self.at = At::Arg(n);
        match n {
            Arg::Bool { value, .. } => Ok(Rv::plain(Value::Bool(*value))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Number { num, .. } => self.ideal_constant(n, num),
            Arg::String { text, .. } => Ok(Rv::plain(Value::string(text))),
            _ => {
                let mut s = String::new();
                parse::write_arg(n, &mut s);
                Err(self
                    .error(format!("can't handle assignment of {s} to empty interface argument")))
            }
        }
    }

    fn sprint_v(&mut self, v: &Value) -> R<String> {
        let mut p = super::fmt::Printer::new(&mut self.budget);
        let result = p.sprint(std::slice::from_ref(v));
        let out = std::mem::take(&mut p.buf);
        result.map_err(|e| self.error(e))?;
        Ok(out)
    }

    fn print_value(&mut self, node: &'t Node, v: &Rv) -> R<()> {
        self.at = At::Node(node);
        if v.is_invalid() {
            return self.write("<no value>");
        }
        let text = self.sprint_v(&v.v)?;
        self.write(&text)
    }
}

/// Go's `canBeNil` for the types a parameter can have.
fn can_be_nil(t: &Type) -> bool {
    matches!(t.underlying(), Type::Interface | Type::Map(..) | Type::Slice(_))
}

/// Go's `AssignableTo` for a value's dynamic type: identical types, or identical underlying
/// types when one of them is unnamed.
fn assignable(v: &Value, t: &Type) -> bool {
    let vt = v.type_of();
    if t.is_interface() || vt == *t {
        return true;
    }
    let named = |t: &Type| matches!(t, Type::Named(..) | Type::Struct(_));
    (!named(&vt) || !named(t)) && vt.underlying() == t.underlying() && !matches!(t, Type::Struct(_))
}

fn node_pos(n: &Node) -> usize {
    match n {
        Node::Text { pos, .. }
        | Node::Action { pos, .. }
        | Node::Template { pos, .. }
        | Node::Break { pos }
        | Node::Continue { pos } => *pos,
        Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.pos,
    }
}

fn node_string(n: &Node) -> String {
    let mut s = String::new();
    parse::write_node(n, &mut s);
    s
}

fn pipe_string(p: &Pipe) -> String {
    let mut s = String::new();
    parse::write_pipe(p, &mut s);
    s
}

/// The bytes an error points at: the node's text when it is spelled out at `pos`
/// (an identifier, a field, a literal), else the word that starts there.
fn span_at(text: &str, pos: usize, context: &str) -> Span {
    let pos = pos.min(text.len());
    let rest = &text[pos..];
    if !context.is_empty() && rest.starts_with(context) {
        return Span::new(pos, pos + context.len());
    }
    let len = rest
        .char_indices()
        .find(|&(i, c)| i > 0 && (c.is_whitespace() || matches!(c, '}' | ')' | '|' | '(' | '.')))
        .map_or(rest.len(), |(i, _)| i);
    Span::new(pos, pos + len)
}
