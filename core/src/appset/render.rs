//! Rendering, as `applicationset/utils/utils.go` does it: `Replace` on one string, and the deep
//! walk (`deeplyReplace`) that replaces every string field of a template or a generator, and
//! every key of a map field, but never a struct's field names.
//!
//! Two engines, chosen by `spec.goTemplate`:
//! - fasttemplate (`valyala/fasttemplate` v1.2.2, tags `{{`…`}}`): a string is touched only
//!   when one of its lines holds `{{` and later `}}` (Argo's `.*{{.*}}.*`, where `.` stops at a
//!   line break); a tag whose trimmed name is a parameter holding a string is replaced, any
//!   other tag is written back as it was, spaces included; a `{{` without a `}}` after it
//!   fails the whole string (`NewTemplate`'s error).
//! - Go `text/template` ([`crate::gotemplate`]) named `base`, with Sprig's generic functions
//!   and Argo CD's own ([`super::funcs`]), the `goTemplateOptions` applied; every string is
//!   parsed and executed, whether or not it holds an action. Each distinct text is parsed once
//!   per expansion.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::diagnostic::Span;
use crate::gotemplate::{ExecOptions, Limits, MissingKey, Template, TemplateError, Value};

use super::doc::{Doc, Entry, V};
use super::schema::{self, Ty};

/// Bounds of one template execution: generous for real templates, small enough that a
/// runaway `range` stops quickly.
const LIMITS: Limits = Limits { max_steps: 200_000, max_output: 1 << 20, max_depth: 100 };

/// Parsed templates kept per expansion before the cache starts over.
const MAX_CACHED: usize = 4096;

/// Why a string did not render: Argo CD's message, and where in the string (for goTemplate
/// errors Go points at).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub message: String,
    /// The span of the value whose text failed (in the `ApplicationSet`'s file).
    pub at: Span,
    /// The failing text and, inside it, the span Go's error points at.
    pub inner: Option<(String, Span)>,
}

/// One `ApplicationSet`'s renderer.
#[derive(Debug)]
pub(crate) struct Renderer {
    pub go: bool,
    /// The `missingkey` behaviour of the options, or Go's panic message for a bad option.
    missing: Result<MissingKey, String>,
    parsed: BTreeMap<String, Result<Rc<Template>, TemplateError>>,
    funcs: crate::gotemplate::Funcs,
    /// Steps of work spent (template steps and bytes), for the work meter.
    pub work: u64,
}

impl Renderer {
    pub fn new(go: bool, options: &[String]) -> Renderer {
        let mut missing = Ok(MissingKey::Default);
        for option in options {
            match MissingKey::from_option(option) {
                Ok(m) => missing = missing.map(|_| m),
                Err(e) => {
                    missing = Err(e.message);
                    break;
                }
            }
        }
        Renderer {
            go,
            missing,
            parsed: BTreeMap::new(),
            funcs: super::funcs::argo_funcs(),
            work: 0,
        }
    }

    /// `Replace(text, params)`; `missing` overrides the options' `missingkey` (the matrix's
    /// pre-resolution of `values` forces `error`).
    pub fn replace(
        &mut self,
        text: &str,
        params: &Value,
        missing: Option<MissingKey>,
    ) -> Result<String, (String, Option<Span>)> {
        self.work += 1 + text.len() as u64 / 64;
        if !self.go {
            return fasttemplate(text, params).map_err(|e| (e, None));
        }
        let missing_key = match (&self.missing, missing) {
            (_, Some(m)) => m,
            (Ok(m), None) => *m,
            (Err(e), None) => {
                return Err((
                    format!("goTemplateOptions: {e} (Go's template.Option panics on it)"),
                    None,
                ));
            }
        };
        if self.parsed.len() >= MAX_CACHED && !self.parsed.contains_key(text) {
            self.parsed.clear();
        }
        let funcs = &self.funcs;
        let parsed = self
            .parsed
            .entry(text.to_owned())
            .or_insert_with(|| Template::parse("base", text, funcs).map(Rc::new));
        let template = match parsed {
            Ok(t) => Rc::clone(t),
            Err(e) => {
                return Err((format!("failed to parse template {text}: {}", e.message), e.span));
            }
        };
        let options = ExecOptions { missing_key, now: None, limits: LIMITS };
        let (result, steps) = template.execute_counted(params, &options);
        self.work += steps;
        match result {
            Ok(out) => {
                self.work += out.len() as u64 / 64;
                Ok(out)
            }
            Err(e) => Err((format!("failed to execute go template {text}: {}", e.message), e.span)),
        }
    }

    /// `Replace` on one string of the `ApplicationSet`, with the failure located.
    pub fn replace_at(&mut self, text: &str, at: Span, params: &Value) -> Result<String, Failure> {
        self.replace(text, params, None).map_err(|(message, inner)| Failure {
            message,
            at,
            inner: inner.map(|span| (text.to_owned(), span)),
        })
    }

    /// `deeplyReplace`: every string of `doc` (a value of type `ty`) and every key of its map
    /// fields and raw values, replaced.
    pub fn render(&mut self, doc: &Doc, ty: Ty, params: &Value) -> Result<Doc, Failure> {
        self.render_with(doc, ty, params, false)
    }

    /// `RenderGeneratorParams`: as [`Renderer::render`], except that the `values` of the
    /// generators that have them are pre-resolved against `params` with `missingkey=error`,
    /// a value that fails only on a missing key kept as it is, and their keys are kept.
    pub fn render_generator(&mut self, doc: &Doc, ty: Ty, params: &Value) -> Result<Doc, Failure> {
        self.render_with(doc, ty, params, true)
    }

    fn render_with(
        &mut self,
        doc: &Doc,
        ty: Ty,
        params: &Value,
        generator: bool,
    ) -> Result<Doc, Failure> {
        let v = match (&doc.v, ty) {
            (V::Str(s), _) => V::Str(self.replace_at(s, doc.span, params)?),
            (V::List(items), Ty::List(item)) => {
                let item = schema::parse(item);
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.render_with(i, item, params, generator)?);
                }
                V::List(out)
            }
            (V::List(items), _) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.render_with(i, Ty::Raw, params, generator)?);
                }
                V::List(out)
            }
            (V::Map(entries), Ty::Object(id, _)) => {
                let mut out = Vec::with_capacity(entries.len());
                for e in entries {
                    let field_ty = schema::field(id, &e.key).map_or(Ty::Raw, |f| f.ty);
                    let value = if generator && e.key == "values" && has_values(id) {
                        self.pre_resolve(&e.value, params)?
                    } else {
                        self.render_with(&e.value, field_ty, params, generator)?
                    };
                    out.push(Entry { key: e.key.clone(), key_span: e.key_span, value });
                }
                V::Map(out)
            }
            (V::Map(entries), _) => {
                let item = match ty {
                    Ty::Map(item) => schema::parse(item),
                    _ => Ty::Raw,
                };
                let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
                for e in entries {
                    let value = self.render_with(&e.value, item, params, generator)?;
                    let key = self.replace_at(&e.key, e.key_span, params)?;
                    // Keys that render alike collide, as in a Go map: one value is kept.
                    out.retain(|o| o.key != key);
                    out.push(Entry { key, key_span: e.key_span, value });
                }
                V::Map(out)
            }
            (other, _) => other.clone(),
        };
        Ok(Doc { v, span: doc.span })
    }

    fn pre_resolve(&mut self, values: &Doc, params: &Value) -> Result<Doc, Failure> {
        let missing = if self.go { Some(MissingKey::Error) } else { None };
        let mut out = Vec::new();
        for e in values.entries() {
            let Some(text) = e.value.as_str() else { continue };
            let resolved = match self.replace(text, params, missing) {
                Ok(s) => s,
                Err((m, _))
                    if m.contains("map has no entry for key")
                        || m.contains("can't evaluate field") =>
                {
                    text.to_owned()
                }
                Err((message, inner)) => {
                    return Err(Failure {
                        message: format!(
                            "failed to pre-resolve Values key {}: {message}",
                            crate::gostring::quote(&e.key)
                        ),
                        at: e.value.span,
                        inner: inner.map(|span| (text.to_owned(), span)),
                    });
                }
            };
            out.push(Entry {
                key: e.key.clone(),
                key_span: e.key_span,
                value: Doc::str(resolved, e.value.span),
            });
        }
        Ok(Doc::map(out, values.span))
    }
}

/// Whether the generator type of object `id` has a `values` map Argo CD pre-resolves (the
/// generators with `Values map[string]string`: clusters, git, SCM provider, cluster decision
/// resource, pull request, plugin).
fn has_values(id: usize) -> bool {
    schema::field(id, "values").is_some_and(|f| matches!(f.ty, Ty::Map("s")))
}

/// Argo's `isTemplatedRegex` (`.*{{.*}}.*`): some line holds `{{` and, after it, `}}`.
fn is_templated(text: &str) -> bool {
    text.split('\n').any(|line| line.find("{{").is_some_and(|i| line[i + 2..].contains("}}")))
}

/// fasttemplate's `NewTemplate` + `ExecuteFuncString` with Argo's tag function.
pub(crate) fn fasttemplate(text: &str, params: &Value) -> Result<String, String> {
    if !is_templated(text) {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(n) = rest.find("{{") {
        out.push_str(&rest[..n]);
        rest = &rest[n + 2..];
        let Some(m) = rest.find("}}") else {
            let q = crate::gostring::quote;
            return Err(format!(
                "invalid template: Cannot find end tag={} in the template={} starting from {}",
                q("}}"),
                q(text),
                q(rest)
            ));
        };
        let tag = &rest[..m];
        let name = tag.trim();
        let value = match params {
            Value::Map(map) if !name.is_empty() => map.get(name),
            _ => None,
        };
        if let Some(Value::String(s)) = value {
            out.push_str(&s);
        } else {
            out.push_str("{{");
            out.push_str(tag);
            out.push_str("}}");
        }
        rest = &rest[m + 2..];
    }
    out.push_str(rest);
    Ok(out)
}
