//! Legacy `vars`: `$(NAME)` in certain fields is replaced by a field of another resource.
//!
//! kustomize does this in two steps, and so does this module:
//!
//! - [`merge`], at the end of each kustomization: every declared var's `objref` is matched
//!   against the resources accumulated so far (current or earlier ids; exact group, version,
//!   kind and name; the namespace only when given). An ambiguous match is an error; a missing
//!   one is not (yet). The matched resource is remembered by its position in its own rename
//!   history, so later prefixes, suffixes, namespaces and hashes are followed, as kustomize's
//!   per-resource var annotation is.
//! - [`resolve`], once at the top level after name references are fixed: each var takes
//!   the value at its `fieldref.fieldPath` (default `metadata.name`; `ports[0]` and
//!   `ports.0` both work) — a var whose resource is gone, or whose field is missing, is an
//!   error — then every string in the `varReference` field specs is expanded. `$(NAME)` as
//!   the whole value takes the var's type (an int stays an int); inside text it is printed
//!   as Go's `%v` would; `$$` is a literal `$`; unknown names stay as written; maps and lists
//!   are never substituted. As in kustomize, a list in a var-reference field must hold only
//!   strings, and a map only string keys, or the build fails.
//!
//! Vars that are never substituted get a warning (kustomize logs them to stderr).

use super::fail_at;
use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::context::{Accumulator, Builder, Built, Tracked, VarDecl};
use crate::kustomize::fieldpath;
use crate::kustomize::fieldspec::{FieldSpec, WalkError, walk};
use crate::kustomize::kustomization::{Kustomization, Str, Var};
use crate::kustomize::resid::{Gvk, ResId};
use crate::kustomize::resource::Resource;
use crate::vecmap::VecMap;
use crate::yaml::decode::Spanned;
use crate::yaml::resolve::{TAG_PREFIX, short_tag};
use crate::yaml::{Body, Node, Origin, Style};

const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// kustomize's `MergeVars`: matches the vars of `k` against the accumulated resources and
/// adds them to the accumulator.
pub fn merge(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    check_duplicates(b, &acc.vars)?;
    let mut incoming = Vec::with_capacity(k.vars.len());
    for var in &k.vars {
        let target = match match_objref(acc, var) {
            Ok(target) => target,
            Err(count) => {
                let message = format!(
                    "merging vars {}: found {count} resId matches for var {} (unable to disambiguate)",
                    display_list(&k.vars),
                    display(var, true, false)
                );
                return fail_at(b, k, Code::ReplacementInvalid, &var.origin, message);
            }
        };
        incoming.push(VarDecl { var: var.clone(), file: k.file.clone(), target });
    }
    for decl in incoming {
        if let Some(first) = acc.vars.iter().find(|d| d.var.name.value == decl.var.name.value) {
            let first = (first.file.clone(), first.var.name.span());
            let message = format!(
                "merging vars {}: var '{}' already encountered",
                display_list(&k.vars),
                decl.var.name.value
            );
            return b.fail(
                Diagnostic::new(Code::ReplacementInvalid, message)
                    .at(decl.file.clone(), decl.var.name.span())
                    .with_related(first.0, Some(first.1), "first declared here"),
            );
        }
        acc.vars.push(decl);
    }
    Ok(())
}

/// Vars gathered from sibling bases must have distinct names (kustomize's `MergeSet`).
fn check_duplicates(b: &mut Builder, vars: &[VarDecl]) -> Built<()> {
    for (i, decl) in vars.iter().enumerate() {
        if let Some(first) = vars[..i].iter().find(|d| d.var.name.value == decl.var.name.value) {
            return b.fail(
                Diagnostic::new(
                    Code::ReplacementInvalid,
                    format!("var '{}' already encountered", decl.var.name.value),
                )
                .at(decl.file.clone(), decl.var.name.span())
                .with_related(
                    first.file.clone(),
                    Some(first.var.name.span()),
                    "first declared here",
                ),
            );
        }
    }
    Ok(())
}

/// The resource a var's objref names, if exactly one; `Err(count)` when ambiguous.
fn match_objref(acc: &Accumulator, var: &Var) -> Result<Option<Tracked>, usize> {
    let target = ResId {
        gvk: objref_gvk(var),
        name: var.obj_name.value.clone(),
        namespace: var.obj_namespace.as_ref().map_or(String::new(), |n| n.value.clone()),
    };
    let matches = |id: &ResId| {
        let gvkn = id.name == target.name && id.gvk == target.gvk;
        // The objref carries no scope information: an empty namespace means `default` there.
        let putative =
            if target.namespace.is_empty() { "default" } else { target.namespace.as_str() };
        gvkn && (target.namespace.is_empty() || id.effective_namespace() == putative)
    };
    let mut matched: Vec<&Resource> = Vec::new();
    for r in &acc.resources {
        if !r.is_empty() && (r.previous_ids().iter().any(matches) || matches(&r.id())) {
            matched.push(r);
        }
    }
    match matched[..] {
        [] => Ok(None),
        [one] => Ok(Some(Tracked::of(one))),
        _ => Err(matched.len()),
    }
}

/// The objref's GVK as written (`group`, `version`, `kind` fields).
fn raw_gvk(var: &Var) -> Gvk {
    let text = |s: &Option<Str>| s.as_ref().map_or(String::new(), |s| s.value.clone());
    Gvk { group: text(&var.gvk.group), version: text(&var.gvk.version), kind: text(&var.gvk.kind) }
}

/// The objref's GVK with `apiVersion` applied (kustomize's `Target.GVK()`).
fn objref_gvk(var: &Var) -> Gvk {
    let mut gvk = raw_gvk(var);
    let api_version = var.api_version.as_ref().map_or("", Spanned::as_str);
    let parts: Vec<&str> = api_version.split('/').collect();
    match parts[..] {
        [""] => {}
        [group, version] => (gvk.group, gvk.version) = (group.to_string(), version.to_string()),
        [version] => gvk.version = version.to_string(),
        _ => {}
    }
    gvk
}

/// The field path a var reads, defaulted.
fn field_path(var: &Var) -> &str {
    match var.field_path.as_ref().map(Spanned::as_str) {
        Some(path) if !path.is_empty() => path,
        _ => DEFAULT_FIELD_PATH,
    }
}

/// A var as Go's `%v` prints kustomize's `types.Var`: `{NAME Kind.version.group {fieldPath}}`
/// (the objref prints as its GVK only). `parsed` applies `apiVersion`; `defaulted` also fills
/// in the default field path.
fn display(var: &Var, parsed: bool, defaulted: bool) -> String {
    let gvk = if parsed { objref_gvk(var) } else { raw_gvk(var) };
    let path = if defaulted {
        field_path(var)
    } else {
        var.field_path.as_ref().map_or("", |f| f.as_str())
    };
    format!("{{{} {} {{{path}}}}}", var.name.value, gvk.display())
}

fn display_list(vars: &[Var]) -> String {
    format!("[{}]", vars.iter().map(|v| display(v, false, false)).collect::<Vec<_>>().join(" "))
}

/// A var's value, with Go's types.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A map or list: never substituted.
    Complex,
}

impl Value {
    /// Go's `%v`.
    fn text(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => crate::float::format_g(*f),
            Value::Bool(b) => b.to_string(),
            Value::Complex => String::new(),
        }
    }

    /// kustomize's `updateNodeValue` for a whole-value substitution.
    fn node(&self, origin: &Origin) -> Node {
        let node = match self {
            Value::Str(s) => Node::string(s.clone()),
            Value::Int(i) => Node::plain(i.to_string()),
            Value::Bool(b) => Node::plain(b.to_string()),
            Value::Float(f) => {
                let mut n = Node::plain(crate::float::format_f(*f));
                n.tag = Some(std::sync::Arc::from(format!("{TAG_PREFIX}float")));
                n
            }
            Value::Complex => Node::null(),
        };
        node.with_origin(origin.clone())
    }
}

/// Every var's value and origin, by name.
type Values = VecMap<String, (Value, Origin)>;

/// kustomize's `ResolveVars`: computes every var's value, then expands `$(NAME)` in the
/// var-reference fields of all resources. (`_k` is the top-level kustomization; errors point
/// at the var declarations instead.)
pub fn resolve(b: &mut Builder, _k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    if acc.vars.is_empty() {
        return Ok(());
    }
    let values = compute_values(b, acc)?;
    let mut counts: VecMap<String, usize> = VecMap::new();
    let specs = acc.config.var_reference.clone();
    for r in &mut acc.resources {
        substitute(b, r, &specs, &values, &mut counts)?;
    }
    warn_unused(b, &acc.vars, &values, &counts);
    Ok(())
}

/// The values of all vars, in name order as kustomize computes them (the first failure, by
/// name, is the one reported).
fn compute_values(b: &mut Builder, acc: &Accumulator) -> Built<Values> {
    let mut decls: Vec<&VarDecl> = acc.vars.iter().collect();
    crate::sort::sort_by(&mut decls, |a, b| a.var.name.value.cmp(&b.var.name.value));
    let mut values = Values::new();
    for decl in decls {
        match value_of(&acc.resources, decl) {
            Ok(value) => values.insert(decl.var.name.value.clone(), value),
            Err(message) => {
                let d = Diagnostic::new(Code::ReplacementInvalid, message)
                    .at(decl.file.clone(), decl.var.origin.span);
                return b.fail(d);
            }
        };
    }
    Ok(values)
}

/// Expands vars in one resource's var-reference fields.
fn substitute(
    b: &mut Builder,
    r: &mut Resource,
    specs: &[FieldSpec],
    values: &Values,
    counts: &mut VecMap<String, usize>,
) -> Built<()> {
    for spec in specs {
        let mut failed_at = None;
        let result = walk(&mut r.node, spec, None, &mut |node| {
            expand_node(node, values, counts).inspect_err(|_| failed_at = Some(node.origin.clone()))
        });
        if let Err(e) = result {
            let origin = failed_at.unwrap_or_else(|| r.node.origin.clone());
            let file = origin.file.as_deref().map_or_else(|| r.source.to_string(), str::to_string);
            let message =
                e.0.replacen("of object: ", &format!("of object {}: ", r.id().display()), 1);
            return b
                .fail(Diagnostic::new(Code::ReplacementInvalid, message).at(file, origin.span));
        }
    }
    Ok(())
}

/// The value of one var, or kustomize's error.
fn value_of(resources: &[Resource], decl: &VarDecl) -> Result<(Value, Origin), String> {
    let resource = decl.target.as_ref().and_then(|t| resources.iter().find(|r| t.is(r)));
    let Some(resource) = resource else {
        return Err(format!(
            "var '{}' cannot be mapped to a field in the set of known resources",
            display(&decl.var, true, true)
        ));
    };
    let not_found = || {
        format!(
            "field specified in var '{}' not found in corresponding resource",
            display(&decl.var, true, true)
        )
    };
    let parts = fieldpath::convert_slice_index(fieldpath::split(field_path(&decl.var)));
    let node = fieldpath::lookup(&resource.node, &parts).ok().flatten().ok_or_else(not_found)?;
    let value = field_value(node).ok_or_else(not_found)?;
    Ok((value, node.origin.clone()))
}

/// kyaml's `GetFieldValue`: a scalar by its tag (an int tag must hold a decimal integer, and
/// so on), anything else a map or list.
fn field_value(node: &Node) -> Option<Value> {
    let Body::Scalar(text) = &node.body else { return Some(Value::Complex) };
    Some(match v3_tag(node).as_str() {
        "!!int" => Value::Int(fieldpath::go_atoi(text)?),
        "!!float" => Value::Float(crate::float::parse_f64(text)?),
        "!!bool" => Value::Bool(go_parse_bool(text)?),
        _ => Value::Str(text.clone()),
    })
}

/// The tag go-yaml v3 gives a scalar node (short form).
fn v3_tag(node: &Node) -> String {
    if let Some(tag) = node.tag.as_deref().filter(|t| *t != "!") {
        return short_tag(tag);
    }
    let Body::Scalar(text) = &node.body else { return String::new() };
    if node.style != Style::Plain {
        return "!!str".into();
    }
    format!("!!{}", crate::yaml::resolve::plain_tag(text))
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// kustomize's refvar `set`: expands strings in a scalar, in a map's values, or in a list.
fn expand_node(
    node: &mut Node,
    values: &Values,
    counts: &mut VecMap<String, usize>,
) -> Result<(), WalkError> {
    if node.is_null() {
        return Ok(());
    }
    match &mut node.body {
        Body::Scalar(_) => {
            if v3_tag(node) == "!!str" {
                expand_scalar(node, values, counts);
            }
        }
        Body::Map(entries) => {
            for (key, value) in entries {
                if v3_tag(key) != "!!str" {
                    let text = key.scalar().unwrap_or_default();
                    return Err(WalkError(format!(
                        "invalid map key: value='{text}', tag='{}'",
                        v3_tag(key)
                    )));
                }
                if v3_tag(value) == "!!str" {
                    expand_scalar(value, values, counts);
                }
            }
        }
        Body::Seq(items) => {
            for item in items {
                if v3_tag(item) != "!!str" {
                    return Err(WalkError("invalid value type expect a string".into()));
                }
                expand_scalar(item, values, counts);
            }
        }
    }
    Ok(())
}

/// Expands one string scalar in place.
fn expand_scalar(node: &mut Node, values: &Values, counts: &mut VecMap<String, usize>) {
    let Some(text) = node.scalar() else { return };
    let mut lookup = |name: &str| match values.get(name) {
        Some((value, origin)) if *value != Value::Complex => {
            *counts.get_or_insert_with(name.to_string(), || 0) += 1;
            Some((value.clone(), origin.clone()))
        }
        _ => None,
    };
    match expand(text, &mut lookup) {
        Expanded::Whole(value, origin) => *node = value.node(&origin),
        Expanded::Text(new) if new != text => {
            let origin = node.origin.clone();
            *node = Node::string(new).with_origin(origin);
        }
        Expanded::Text(_) => {}
    }
}

/// The result of expanding a string.
#[derive(Debug, Clone, PartialEq)]
enum Expanded {
    /// The string was exactly `$(NAME)` of a known var: its value, typed, and its origin.
    Whole(Value, Origin),
    Text(String),
}

/// kustomize's `DoReplacements`: `$(NAME)` is looked up, `$$` is `$`, anything else stays.
fn expand(input: &str, lookup: &mut dyn FnMut(&str) -> Option<(Value, Origin)>) -> Expanded {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let (mut checkpoint, mut cursor) = (0, 0);
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            out.push_str(&input[checkpoint..cursor]);
            let (read, is_var, advance) = read_variable(&input[cursor..]);
            if is_var {
                let mapped = lookup(read);
                if input.len() == read.len() + 3 {
                    // The whole input is `$(NAME)`: keep the value's type.
                    return match mapped {
                        Some((value, origin)) => Expanded::Whole(value, origin),
                        None => Expanded::Text(input.to_string()),
                    };
                }
                match mapped {
                    Some((value, _)) => out.push_str(&value.text()),
                    None => out.push_str(&format!("$({read})")),
                }
            } else {
                out.push_str(read);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    out.push_str(&input[checkpoint.min(input.len())..]);
    Expanded::Text(out)
}

/// kustomize's `tryReadVariableName` on text starting at a `$` (with at least one byte after
/// it): `(text to write or var name, is a var, bytes consumed after the `$` less one)`.
fn read_variable(s: &str) -> (&str, bool, usize) {
    let rest = &s[1..];
    match rest.as_bytes().first() {
        Some(b'$') => (&s[..1], false, 1),
        Some(b'(') => match rest[1..].find(')') {
            Some(close) => (&rest[1..=close], true, close + 2),
            None => (&s[..2], false, 1),
        },
        _ => {
            // kustomize writes the `$` and the next character unchanged.
            let len = rest.chars().next().map_or(1, char::len_utf8);
            (&s[..=len], false, len)
        }
    }
}

/// Warns about vars no field used (kustomize logs "well-defined vars that were never
/// replaced").
fn warn_unused(b: &mut Builder, vars: &[VarDecl], values: &Values, counts: &VecMap<String, usize>) {
    for decl in vars {
        let name = &decl.var.name.value;
        if counts.contains_key(name) {
            continue;
        }
        let help = if values.get(name).is_some_and(|(v, _)| *v == Value::Complex) {
            "its field is a map or a list; kustomize substitutes only strings, numbers and booleans"
                .to_string()
        } else {
            format!(
                "no var-reference field (container args, command, env values, …) contains $({name})"
            )
        };
        b.diagnostics.push(
            Diagnostic::new(Code::VarUnused, format!("var '{name}' is never substituted"))
                .at(decl.file.clone(), decl.var.name.span())
                .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Value)]) -> VecMap<String, (Value, Origin)> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (v.clone(), Origin::default()))).collect()
    }

    fn run(input: &str, values: &Values) -> Expanded {
        let mut lookup =
            |name: &str| values.get(name).filter(|(v, _)| *v != Value::Complex).cloned();
        expand(input, &mut lookup)
    }

    #[test]
    fn expansion_follows_kustomize() {
        let values = map(&[
            ("PORT", Value::Int(5432)),
            ("HOST", Value::Str("db".into())),
            ("M", Value::Complex),
        ]);
        assert_eq!(run("$(PORT)", &values), Expanded::Whole(Value::Int(5432), Origin::default()));
        assert_eq!(run("--db=$(HOST):$(PORT)", &values), Expanded::Text("--db=db:5432".into()));
        assert_eq!(run("$$(HOST)", &values), Expanded::Text("$(HOST)".into()));
        assert_eq!(run("$$$(PORT)$", &values), Expanded::Text("$5432$".into()));
        assert_eq!(run("$(NOPE)", &values), Expanded::Text("$(NOPE)".into()));
        assert_eq!(run("x$(NOPE)y", &values), Expanded::Text("x$(NOPE)y".into()));
        assert_eq!(run("$(PORT", &values), Expanded::Text("$(PORT".into()));
        assert_eq!(run("a$b$", &values), Expanded::Text("a$b$".into()));
        assert_eq!(run("x$(M)", &values), Expanded::Text("x$(M)".into()));
        assert_eq!(run("$(M)", &values), Expanded::Text("$(M)".into()));
        assert_eq!(run("é$(HOST)é", &values), Expanded::Text("édbé".into()));
    }

    #[test]
    fn field_values_take_go_types() {
        assert_eq!(field_value(&Node::plain("5432")), Some(Value::Int(5432)));
        assert_eq!(field_value(&Node::plain("0x10")), None);
        assert_eq!(field_value(&Node::string("0x10")), Some(Value::Str("0x10".into())));
        assert_eq!(field_value(&Node::plain("1.5")), Some(Value::Float(1.5)));
        assert_eq!(field_value(&Node::plain("true")), Some(Value::Bool(true)));
        assert_eq!(field_value(&Node::plain("~")), Some(Value::Str("~".into())));
        assert_eq!(field_value(&Node::map()), Some(Value::Complex));
    }

    fn render(files: &[(&str, &str)], dir: &str) -> crate::kustomize::Rendered {
        let mut tree = crate::tree::FileTree::new();
        for (path, text) in files {
            tree.insert(path, *text).unwrap();
        }
        let mut cache = crate::source::ParseCache::default();
        let mut source = crate::source::Source::new(&tree, &mut cache);
        crate::kustomize::render(&mut source, dir).0
    }

    const BASE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n  - port: 5432\n---\n\
        apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      \
        - name: api\n        image: api:1\n        args: [\"--db=$(DB):$(PORT)\", \"$(PORT)\", \"$$(DB)\"]\n";
    const BASE_K: &str = "resources: [res.yaml]\nvars:\n- {name: DB, objref: {kind: Service, name: db, apiVersion: v1}}\n\
        - {name: PORT, objref: {kind: Service, name: db, apiVersion: v1}, fieldref: {fieldpath: \"spec.ports[0].port\"}}\n";

    #[test]
    fn vars_follow_renames_and_keep_whole_value_types() {
        let overlay = "namePrefix: prod-\nresources: [../base]\n";
        let out = render(
            &[
                ("base/kustomization.yaml", BASE_K),
                ("base/res.yaml", BASE),
                ("prod/kustomization.yaml", overlay),
            ],
            "prod",
        );
        assert!(out.ok(), "{:?}", out.diagnostics);
        let deployment = &out.resources[1].yaml;
        assert!(
            deployment.contains("- --db=prod-db:5432\n        - 5432\n        - $(DB)\n"),
            "{deployment}"
        );
    }

    #[test]
    fn a_var_whose_resource_is_gone_is_an_error() {
        let overlay = "resources: [../base]\npatches:\n- patch: |\n    $patch: delete\n    apiVersion: v1\n    kind: Service\n    \
                       metadata:\n      name: db\n";
        let out = render(
            &[
                ("base/kustomization.yaml", BASE_K),
                ("base/res.yaml", BASE),
                ("prod/kustomization.yaml", overlay),
            ],
            "prod",
        );
        let d = &out.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(
            d.message,
            "var '{DB Service.v1.[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources"
        );
        assert_eq!(d.file.as_deref(), Some("base/kustomization.yaml"));
    }

    #[test]
    fn duplicate_and_ambiguous_vars_are_errors() {
        let twice = "resources: [a, b]\n";
        let files = [
            ("kustomization.yaml", twice),
            ("a/kustomization.yaml", BASE_K),
            ("a/res.yaml", BASE),
            ("b/kustomization.yaml", "namespace: other\nresources: [../a]\n"),
        ];
        let out = render(&files, "");
        assert!(!out.ok());
        let k = "resources: [res.yaml]\nvars:\n- {name: X, objref: {kind: Service, name: db, apiVersion: v1}}\n\
                 - {name: X, objref: {kind: Service, name: db, apiVersion: v1}}\n";
        let out = render(&[("kustomization.yaml", k), ("res.yaml", BASE)], "");
        assert_eq!(
            out.diagnostics.iter().find(|d| d.is_error()).unwrap().message,
            "merging vars [{X Service.[noVer].[noGrp] {}} {X Service.[noVer].[noGrp] {}}]: var 'X' already encountered"
        );
    }

    #[test]
    fn unused_vars_warn() {
        let k = "resources: [res.yaml]\nvars:\n- {name: UNUSED, objref: {kind: Service, name: db, apiVersion: v1}}\n";
        let out = render(&[("kustomization.yaml", k), ("res.yaml", BASE)], "");
        assert!(out.ok());
        assert!(out.diagnostics.iter().any(|d| d.message == "var 'UNUSED' is never substituted"
            && d.code == "K021"
            && !d.is_error()));
    }

    #[test]
    fn var_display() {
        let s =
            |v: &str| crate::kustomize::kustomization::Str::new(v.to_string(), Origin::default());
        let mut var =
            Var { name: s("SVC"), obj_name: s("x"), api_version: Some(s("v1")), ..Var::default() };
        var.gvk.kind = Some(s("Service"));
        assert_eq!(display(&var, true, true), "{SVC Service.v1.[noGrp] {metadata.name}}");
        assert_eq!(display(&var, false, false), "{SVC Service.[noVer].[noGrp] {}}");
        var.api_version = Some(s("apps/v1"));
        assert_eq!(objref_gvk(&var), Gvk::new("apps", "v1", "Service"));
    }
}
