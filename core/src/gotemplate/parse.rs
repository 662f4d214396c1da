//! The parser of Go's `text/template/parse/parse.go` and its nodes (`node.go`), Go 1.26.
//!
//! The parser keeps Go's three-token lookahead, so errors name the same token and line
//! as Go's (`template: NAME:LINE: MSG`). Every node records the byte offset Go records
//! (which is sometimes not where a reader would look: `.a.b` sits at `.b`), because
//! execution errors print `NAME:LINE:COL` from it. Nodes print themselves as Go's
//! `Node.String()` does, for the `<context>` of execution errors.
//!
//! Two bounds that Go does not have keep the parser and the evaluator off deep native
//! recursion: control structures nest at most [`MAX_NESTING`] deep and parentheses at most
//! [`MAX_PARENS`] deep (Go's own message, with a smaller limit than Go's 10000).

use std::collections::BTreeMap;

use super::TemplateError;
use super::lex::{Item, Kind, Lexer};
use crate::diagnostic::Span;

/// Deepest nesting of `if`/`range`/`with`/`block` in one template.
pub const MAX_NESTING: usize = 100;
/// Deepest nesting of parenthesized pipelines.
pub const MAX_PARENS: usize = 100;

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Text { pos: usize, text: String },
    Action { pos: usize, pipe: Pipe },
    If(Branch),
    Range(Branch),
    With(Branch),
    Template { pos: usize, name: String, pipe: Option<Pipe> },
    Break { pos: usize },
    Continue { pos: usize },
}

#[derive(Debug, Clone)]
pub(crate) struct Branch {
    pub(crate) pipe: Pipe,
    pub(crate) list: Vec<Node>,
    pub(crate) else_list: Option<Vec<Node>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Pipe {
    pub(crate) pos: usize,
    pub(crate) is_assign: bool,
    pub(crate) decl: Vec<Var>,
    pub(crate) cmds: Vec<Command>,
}

#[derive(Debug, Clone)]
pub(crate) struct Var {
    pub(crate) pos: usize,
    pub(crate) ident: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Command {
    pub(crate) pos: usize,
    pub(crate) args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Field { pos: usize, ident: Vec<String> },
    Chain { pos: usize, node: Box<Arg>, field: Vec<String> },
    Identifier { pos: usize, name: String },
    Dot { pos: usize },
    Nil { pos: usize },
    Bool { pos: usize, value: bool },
    Number { pos: usize, num: Number },
    String { pos: usize, quoted: String, text: String },
    Variable(Var),
    Pipe(Box<Pipe>),
}

/// A numeric constant, under every Go type that can hold it (`parse.NumberNode`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Number {
    pub(crate) text: String,
    pub(crate) is_int: bool,
    pub(crate) is_uint: bool,
    pub(crate) is_float: bool,
    pub(crate) int: i64,
    pub(crate) uint: u64,
    pub(crate) float: f64,
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Variable(v) => v.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

/// A parsed template set: the named trees, all parsed from one text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trees {
    pub(crate) trees: BTreeMap<String, Vec<Node>>,
}

/// Parses `text` as the template `name`, with `has_function` telling which function names
/// exist (Go refuses unknown functions at parse time).
pub(crate) fn parse(
    name: &str,
    text: &str,
    has_function: &dyn Fn(&str) -> bool,
) -> Result<Trees, TemplateError> {
    let mut lexer = Lexer::new(text);
    lexer.break_ok = !has_function("break");
    lexer.continue_ok = !has_function("continue");
    let mut p = Parser {
        name,
        lex: lexer,
        token: std::array::from_fn(|_| eof_item()),
        peek_count: 0,
        vars: vec!["$".to_owned()],
        has_function,
        action_line: 0,
        range_depth: 0,
        paren_depth: 0,
        nesting: 0,
        trees: Trees::default(),
    };
    let root = p.parse_top()?;
    p.add(name.to_owned(), root)?;
    Ok(p.trees)
}

fn eof_item() -> Item<'static> {
    Item { kind: Kind::Eof, pos: 0, val: "".into(), line: 1, end: 0 }
}

struct Parser<'t, 'f> {
    name: &'t str,
    lex: Lexer<'t>,
    token: [Item<'t>; 3],
    peek_count: usize,
    vars: Vec<String>,
    has_function: &'f dyn Fn(&str) -> bool,
    action_line: usize,
    range_depth: usize,
    paren_depth: usize,
    nesting: usize,
    trees: Trees,
}

type PResult<T> = Result<T, TemplateError>;

/// What `itemList` stopped at.
enum End {
    End,
    Else,
}

impl<'t> Parser<'t, '_> {
    fn next(&mut self) -> Item<'t> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count].clone()
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'t>) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'t>, t1: Item<'t>) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'t> {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone();
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item<'t> {
        loop {
            let token = self.next();
            if token.kind != Kind::Space {
                return token;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'t> {
        let token = self.next_non_space();
        self.backup();
        token
    }

    /// `template: NAME:LINE: MSG`, LINE being that of the last token read, as Go reports it.
    fn error(&self, message: impl std::fmt::Display) -> TemplateError {
        let t = &self.token[0];
        TemplateError {
            message: format!("template: {}:{}: {message}", self.name, t.line),
            span: Some(Span::new(t.pos, t.end)),
        }
    }

    fn error_at(&self, message: impl std::fmt::Display, item: &Item<'_>) -> TemplateError {
        let mut err = self.error(message);
        err.span = Some(Span::new(item.pos, item.end));
        err
    }

    fn unexpected(&self, token: &Item<'_>, context: &str) -> TemplateError {
        if token.kind == Kind::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(" in action started at {}:{}", self.name, self.action_line);
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_owned();
                }
            }
            return self.error_at(format!("{token}{extra}"), token);
        }
        self.error_at(format!("unexpected {token} in {context}"), token)
    }

    fn expect(&mut self, kind: Kind, context: &str) -> PResult<Item<'t>> {
        let token = self.next_non_space();
        if token.kind != kind {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    /// Go's `Tree.add`: a second non-empty definition of a name is an error.
    fn add(&mut self, name: String, root: Vec<Node>) -> PResult<()> {
        match self.trees.trees.get(&name) {
            Some(existing) if !is_empty_tree(existing) => {
                if !is_empty_tree(&root) {
                    return Err(self.error(format!(
                        "template: multiple definition of template {}",
                        crate::gostring::quote(&name)
                    )));
                }
            }
            _ => {
                self.trees.trees.insert(name, root);
            }
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().kind != Kind::Eof {
            if self.peek().kind == Kind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == Kind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.push(n),
                Parsed::End => return Err(self.error("unexpected {{end}}")),
                Parsed::Else => return Err(self.error("unexpected {{else}}")),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let token = self.next_non_space();
        if token.kind != Kind::String && token.kind != Kind::RawString {
            return Err(self.unexpected(&token, CONTEXT));
        }
        let name = unquote(&token.val).map_err(|e| self.error_at(e, &token))?;
        self.expect(Kind::RightDelim, CONTEXT)?;
        // A definition has its own variables.
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        if let End::Else = end {
            return Err(self.error(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.add(name, list)
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, End)> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                Parsed::End => return Ok((list, End::End)),
                Parsed::Else => return Ok((list, End::Else)),
            }
        }
        Err(self.error("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            Kind::Text => {
                Ok(Parsed::Node(Node::Text { pos: token.pos, text: token.val.into_owned() }))
            }
            Kind::LeftDelim => {
                self.action_line = token.line;
                let result = self.action();
                self.action_line = 0;
                result
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        let node = match token.kind {
            Kind::Block => self.block_control()?,
            Kind::Break => self.break_control(token.pos, "{{break}}")?,
            Kind::Continue => self.break_control(token.pos, "{{continue}}")?,
            Kind::Else => return self.else_control(),
            Kind::End => {
                self.expect(Kind::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            Kind::If => self.if_control()?,
            Kind::Range => {
                let branch = self.parse_control("range")?;
                Node::Range(branch)
            }
            Kind::Template => self.template_control()?,
            Kind::With => self.with_control()?,
            _ => {
                self.backup();
                let token = self.peek();
                let pipe = self.pipeline("command", Kind::RightDelim)?;
                Node::Action { pos: token.pos, pipe }
            }
        };
        Ok(Parsed::Node(node))
    }

    fn break_control(&mut self, pos: usize, what: &str) -> PResult<Node> {
        let token = self.next_non_space();
        if token.kind != Kind::RightDelim {
            return Err(self.unexpected(&token, what));
        }
        if self.range_depth == 0 {
            return Err(self.error(format!("{what} outside {{{{range}}}}")));
        }
        Ok(if what == "{{break}}" { Node::Break { pos } } else { Node::Continue { pos } })
    }

    fn if_control(&mut self) -> PResult<Node> {
        Ok(Node::If(self.parse_control("if")?))
    }

    fn with_control(&mut self) -> PResult<Node> {
        Ok(Node::With(self.parse_control("with")?))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.kind == Kind::If || peek.kind == Kind::With {
            return Ok(Parsed::Else);
        }
        self.expect(Kind::RightDelim, "else")?;
        Ok(Parsed::Else)
    }

    fn parse_control(&mut self, context: &str) -> PResult<Branch> {
        if self.nesting >= MAX_NESTING {
            return Err(self.error(format!(
                "control structures nested more than {MAX_NESTING} deep (Baton's limit)"
            )));
        }
        self.nesting += 1;
        let vars = self.vars.len();
        let result = self.parse_control_body(context);
        self.vars.truncate(vars);
        self.nesting -= 1;
        result
    }

    fn parse_control_body(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        if let End::Else = next {
            if context == "if" && self.peek().kind == Kind::If {
                self.next();
                else_list = Some(vec![self.if_control()?]);
            } else if context == "with" && self.peek().kind == Kind::With {
                self.next();
                else_list = Some(vec![self.with_control()?]);
            } else {
                let (list, next) = self.item_list()?;
                if let End::Else = next {
                    return Err(self.error("expected end; found {{else}}"));
                }
                else_list = Some(list);
            }
        }
        Ok(Branch { pipe, list, else_list })
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Kind::RightDelim)?;
        if self.nesting >= MAX_NESTING {
            return Err(self.error(format!(
                "control structures nested more than {MAX_NESTING} deep (Baton's limit)"
            )));
        }
        self.nesting += 1;
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let listed = self.item_list();
        self.vars = saved;
        self.range_depth = saved_range;
        self.nesting -= 1;
        let (list, end) = listed?;
        if let End::Else = end {
            return Err(self.error(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.add(name.clone(), list)?;
        Ok(Node::Template { pos: token.pos, name, pipe: Some(pipe) })
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != Kind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, Kind::RightDelim)?);
        }
        Ok(Node::Template { pos: token.pos, name, pipe })
    }

    fn template_name(&self, token: &Item<'_>, context: &str) -> PResult<String> {
        match token.kind {
            Kind::String | Kind::RawString => {
                unquote(&token.val).map_err(|e| self.error_at(e, token))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn pipeline(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe =
            Pipe { pos: token.pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        'decls: loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            match next.kind {
                Kind::Assign | Kind::Declare => {
                    pipe.is_assign = next.kind == Kind::Assign;
                    self.next_non_space();
                    pipe.decl.push(new_var(v.pos, &v.val));
                    self.vars.push(v.val.to_string());
                    break;
                }
                Kind::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(new_var(v.pos, &v.val));
                    self.vars.push(v.val.to_string());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Kind::Variable | Kind::RightDelim | Kind::RightParen => {
                                continue 'decls;
                            }
                            _ => return Err(self.error("range can only initialize variables")),
                        }
                    }
                    return Err(self.error(format!("too many declarations in {context}")));
                }
                _ if after.kind == Kind::Space => {
                    self.backup3(v, after);
                    break;
                }
                _ => {
                    self.backup2(v);
                    break;
                }
            }
        }
        loop {
            let token = self.next_non_space();
            match token.kind {
                k if k == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.error(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                )
            ) {
                return Err(
                    self.error(format!("non executable command in pipeline stage {}", i + 1))
                );
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command { pos, args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(),
                Kind::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.error("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else { return Ok(None) };
        if self.peek().kind != Kind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().kind == Kind::Field {
            let f = self.next();
            fields.push(f.val[1..].to_owned());
        }
        Ok(Some(match node {
            Arg::Field { mut ident, .. } => {
                ident.extend(fields);
                Arg::Field { pos: chain_pos, ident }
            }
            Arg::Variable(Var { mut ident, .. }) => {
                ident.extend(fields);
                Arg::Variable(Var { pos: chain_pos, ident })
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                let mut text = String::new();
                write_arg(&node, &mut text);
                return Err(self
                    .error(format!("unexpected . after term {}", crate::gostring::quote(&text))));
            }
            other => Arg::Chain { pos: chain_pos, node: Box::new(other), field: fields },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let arg = match token.kind {
            Kind::Identifier => {
                if !(self.has_function)(&token.val) {
                    return Err(self.error_at(
                        format!("function {} not defined", crate::gostring::quote(&token.val)),
                        &token,
                    ));
                }
                Arg::Identifier { pos: token.pos, name: token.val.into_owned() }
            }
            Kind::Dot => Arg::Dot { pos: token.pos },
            Kind::Nil => Arg::Nil { pos: token.pos },
            Kind::Variable => {
                let var = new_var(token.pos, &token.val);
                if !self.vars.iter().any(|v| *v == var.ident[0]) {
                    return Err(self.error_at(
                        format!("undefined variable {}", crate::gostring::quote(&var.ident[0])),
                        &token,
                    ));
                }
                Arg::Variable(var)
            }
            Kind::Field => Arg::Field {
                pos: token.pos,
                ident: token.val[1..].split('.').map(str::to_owned).collect(),
            },
            Kind::Bool => Arg::Bool { pos: token.pos, value: token.val == "true" },
            Kind::CharConstant | Kind::Complex | Kind::Number => {
                let num = new_number(&token).map_err(|e| self.error_at(e, &token))?;
                Arg::Number { pos: token.pos, num }
            }
            Kind::LeftParen => {
                if self.paren_depth >= MAX_PARENS {
                    return Err(self.error("max expression depth exceeded"));
                }
                self.paren_depth += 1;
                let pipe = self.pipeline("parenthesized pipeline", Kind::RightParen);
                self.paren_depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            Kind::String | Kind::RawString => {
                let text = unquote(&token.val).map_err(|e| self.error_at(e, &token))?;
                Arg::String { pos: token.pos, quoted: token.val.into_owned(), text }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}

enum Parsed {
    Node(Node),
    End,
    Else,
}

fn new_var(pos: usize, text: &str) -> Var {
    Var { pos, ident: text.split('.').map(str::to_owned).collect() }
}

/// Go's `parse.IsEmptyTree`: nothing but space (comments are not nodes here).
fn is_empty_tree(nodes: &[Node]) -> bool {
    nodes
        .iter()
        .all(|n| matches!(n, Node::Text { text, .. } if text.trim_matches(is_go_space).is_empty()))
}

/// `unicode.IsSpace` as `bytes.TrimSpace` uses it.
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}')
        || c.is_whitespace()
}

/// `parse.newNumber`.
fn new_number(token: &Item<'_>) -> Result<Number, String> {
    let text: &str = &token.val;
    let mut n = Number { text: text.to_owned(), ..Number::default() };
    if token.kind == Kind::CharConstant {
        let (c, tail) = unquote_char(&text[1..], '\'')?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        let c = i64::from(u32::from(c));
        n.is_int = true;
        n.int = c;
        n.is_uint = true;
        n.uint = c.unsigned_abs();
        n.is_float = true;
        #[allow(clippy::cast_precision_loss)]
        {
            n.float = c as f64;
        }
        return Ok(n);
    }
    if token.kind == Kind::Complex || text.ends_with('i') {
        return Err(format!(
            "complex constant {text}: Baton does not support complex numbers in templates"
        ));
    }
    if let Some(u) = parse_uint(text) {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = parse_int(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = 0;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::gostring::quote(text)));
        }
        n.is_float = true;
        n.float = f;
        #[allow(clippy::cast_possible_truncation, clippy::float_cmp)] // Go's float64(int64(f)) == f
        if f == f.trunc() && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            n.is_int = true;
            n.int = f as i64;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::float_cmp)]
        if f == f.trunc() && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", crate::gostring::quote(text)));
    }
    Ok(n)
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`.
fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || s.starts_with(['+', '-']) {
        return None;
    }
    let (base, digits) = if let Some(rest) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, rest)
    } else if let Some(rest) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, rest)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(&digits, base).ok()
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.starts_with(['+', '-']) {
        return None;
    }
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let u = parse_uint(body)?;
    if negative {
        if u <= 1 << 63 { Some(u.cast_signed().wrapping_neg()) } else { None }
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(s, 64)`: decimal (with underscores), hexadecimal with a binary
/// exponent, or `inf`/`infinity`/`nan` in any case, with an optional sign.
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if ["inf", "infinity", "nan"].iter().any(|w| body.eq_ignore_ascii_case(w)) {
        return crate::float::parse_f64(s);
    }
    parse_float(s)
}

/// `strconv.ParseFloat(s, 64)` for the text the lexer lets through: decimal (with
/// underscores) or hexadecimal with a binary exponent.
fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (negative, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let magnitude = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        parse_hex_float(hex)?
    } else {
        if !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        crate::float::parse_f64(body)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let exponent: i32 = exponent.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exponent - 4 * i32::try_from(frac_part.len()).ok()?;
    Some(value * 2f64.powi(shift))
}

/// `strconv.UnquoteChar`: one character or escape of a literal quoted with `quote`; returns
/// it and the rest of the text.
fn unquote_char(s: &str, quote: char) -> Result<(char, &str), String> {
    const SYNTAX: &str = "invalid syntax";
    let mut chars = s.chars();
    let c = chars.next().ok_or(SYNTAX)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(SYNTAX.to_owned());
    }
    if c != '\\' {
        return Ok((c, chars.as_str()));
    }
    let e = chars.next().ok_or(SYNTAX)?;
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' if e == quote => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((c, chars.as_str()));
    }
    let rest = chars.as_str();
    let (n, radix) = match e {
        'x' => (2, 16),
        'u' => (4, 16),
        'U' => (8, 16),
        '0'..='7' => (2, 8),
        _ => return Err(SYNTAX.to_owned()),
    };
    let digits = rest.get(..n).ok_or(SYNTAX)?;
    let mut v = u32::from_str_radix(digits, radix).map_err(|_| SYNTAX)?;
    if radix == 8 {
        v += e.to_digit(8).unwrap_or(0) * 64;
        if v > 255 {
            return Err(SYNTAX.to_owned());
        }
    }
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SYNTAX.to_owned());
    }
    let c = if e == 'x' || radix == 8 {
        // A byte value: Baton's strings are UTF-8, so only ASCII bytes stand alone.
        if v > 0x7f {
            return Err(format!(
                "byte escape {s_esc} makes invalid UTF-8: Baton's template strings must be UTF-8",
                s_esc = &s[..2 + n]
            ));
        }
        char::from_u32(v).ok_or(SYNTAX)?
    } else {
        char::from_u32(v).ok_or(SYNTAX)?
    };
    Ok((c, &rest[n..]))
}

/// `strconv.Unquote` for `"…"` and `` `…` `` literals.
fn unquote(s: &str) -> Result<String, String> {
    const SYNTAX: &str = "invalid syntax";
    if s.len() >= 2 && s.starts_with('`') && s.ends_with('`') {
        let body = &s[1..s.len() - 1];
        if body.contains('`') {
            return Err(SYNTAX.to_owned());
        }
        return Ok(body.replace('\r', ""));
    }
    if s.len() < 2 || !s.starts_with('"') || !s.ends_with('"') {
        return Err(SYNTAX.to_owned());
    }
    let mut body = &s[1..s.len() - 1];
    if body.contains('\n') {
        return Err(SYNTAX.to_owned());
    }
    let mut out = String::with_capacity(body.len());
    while !body.is_empty() {
        let (c, rest) = unquote_char(body, '"')?;
        out.push(c);
        body = rest;
    }
    Ok(out)
}

/// Go's `Node.String()` for nodes.
pub(crate) fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Text { text, .. } => out.push_str(text),
        Node::Action { pipe, .. } => {
            out.push_str("{{");
            write_pipe(pipe, out);
            out.push_str("}}");
        }
        Node::If(b) => write_branch("if", b, out),
        Node::Range(b) => write_branch("range", b, out),
        Node::With(b) => write_branch("with", b, out),
        Node::Template { name, pipe, .. } => {
            out.push_str("{{template ");
            out.push_str(&crate::gostring::quote(name));
            if let Some(pipe) = pipe {
                out.push(' ');
                write_pipe(pipe, out);
            }
            out.push_str("}}");
        }
        Node::Break { .. } => out.push_str("{{break}}"),
        Node::Continue { .. } => out.push_str("{{continue}}"),
    }
}

fn write_branch(name: &str, b: &Branch, out: &mut String) {
    out.push_str("{{");
    out.push_str(name);
    out.push(' ');
    write_pipe(&b.pipe, out);
    out.push_str("}}");
    for n in &b.list {
        write_node(n, out);
    }
    if let Some(else_list) = &b.else_list {
        out.push_str("{{else}}");
        for n in else_list {
            write_node(n, out);
        }
    }
    out.push_str("{{end}}");
}

pub(crate) fn write_pipe(pipe: &Pipe, out: &mut String) {
    if !pipe.decl.is_empty() {
        for (i, v) in pipe.decl.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&v.ident.join("."));
        }
        out.push_str(if pipe.is_assign { " = " } else { " := " });
    }
    for (i, c) in pipe.cmds.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        write_command(c, out);
    }
}

pub(crate) fn write_command(cmd: &Command, out: &mut String) {
    for (i, arg) in cmd.args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Arg::Pipe(p) = arg {
            out.push('(');
            write_pipe(p, out);
            out.push(')');
        } else {
            write_arg(arg, out);
        }
    }
}

pub(crate) fn write_arg(arg: &Arg, out: &mut String) {
    match arg {
        Arg::Field { ident, .. } => {
            for id in ident {
                out.push('.');
                out.push_str(id);
            }
        }
        Arg::Chain { node, field, .. } => {
            if let Arg::Pipe(p) = &**node {
                out.push('(');
                write_pipe(p, out);
                out.push(')');
            } else {
                write_arg(node, out);
            }
            for f in field {
                out.push('.');
                out.push_str(f);
            }
        }
        Arg::Identifier { name, .. } => out.push_str(name),
        Arg::Dot { .. } => out.push('.'),
        Arg::Nil { .. } => out.push_str("nil"),
        Arg::Bool { value, .. } => out.push_str(if *value { "true" } else { "false" }),
        Arg::Number { num, .. } => out.push_str(&num.text),
        Arg::String { quoted, .. } => out.push_str(quoted),
        Arg::Variable(v) => out.push_str(&v.ident.join(".")),
        Arg::Pipe(p) => write_pipe(p, out),
    }
}
