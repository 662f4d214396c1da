//! From a template and a parameter set to an Application (`controllers/template/template.go`,
//! `patch.go`, `utils.RenderTemplateParams`).
//!
//! - A generator's own `template` is merged over the `ApplicationSet`'s as `mergo.Merge`
//!   (no override) does: the generator's non-empty values win, empty ones (`""`, `false`, `0`,
//!   empty lists and maps) fall back, maps merge key by key, objects deep-merge.
//! - An empty parameter set leaves the template as it is: no rendering, no finalizer.
//! - Otherwise every string field and map key is rendered; then, when the template has no
//!   finalizer and `syncPolicy.preserveResourcesOnDeletion` is not true, the
//!   `resources-finalizer.argocd.argoproj.io` finalizer is added.
//! - `templatePatch` is rendered once per parameter set, read as YAML (or JSON when it starts
//!   with `{`), checked as Go decodes it into an Application, and applied as a strategic
//!   merge patch (maps merge, lists are replaced, `null` deletes, `$patch: replace|delete`);
//!   the project cannot be changed by it.

use crate::diagnostic::Span;
use crate::yaml::json::Json;

use super::doc::{self, Doc, V};
use super::params::{self, Params};
use super::render::{Failure, Renderer};
use super::schema::{self, Ty};

/// The finalizer the controller adds.
pub(crate) const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The type of a template's `metadata`.
pub(crate) fn metadata_ty() -> Ty {
    template_ty_field("metadata")
}

fn template_ty_field(name: &str) -> Ty {
    schema::at(schema::spec(), &["template", name]).unwrap_or(Ty::Raw)
}

/// `mergeGeneratorTemplate`: `mergo.Merge(generatorTemplate, spec.template)`.
pub(crate) fn merge_generator_template(generator: Option<&Doc>, base: &Doc) -> Doc {
    let ty = schema::at(schema::spec(), &["template"]).unwrap_or(Ty::Raw);
    fill(generator, base, ty)
}

/// mergo without override: `dst`'s non-empty values kept, the rest taken from `src`.
fn fill(dst: Option<&Doc>, src: &Doc, ty: Ty) -> Doc {
    let Some(dst) = dst else { return src.clone() };
    match (&dst.v, &src.v, ty) {
        (V::Map(d), V::Map(s), Ty::Object(id, _)) => {
            let mut out = d.clone();
            for e in s {
                let field_ty = schema::field(id, &e.key).map_or(Ty::Raw, |f| f.ty);
                match out.iter_mut().find(|o| o.key == e.key) {
                    Some(o) => o.value = fill(Some(&o.value), &e.value, field_ty),
                    None => out.push(e.clone()),
                }
            }
            Doc::map(out, dst.span)
        }
        (V::Map(d), V::Map(s), Ty::Map(_)) => {
            let mut out = d.clone();
            for e in s {
                match out.iter_mut().find(|o| o.key == e.key) {
                    Some(o) if o.value.is_empty() => o.value = e.value.clone(),
                    Some(_) => {}
                    None => out.push(e.clone()),
                }
            }
            Doc::map(out, dst.span)
        }
        _ if dst.is_empty() => src.clone(),
        _ => dst.clone(),
    }
}

/// An Application as generated: its `metadata` and `spec`, each at the spans of the template
/// values they came from.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub metadata: Doc,
    pub spec: Doc,
}

impl App {
    pub fn name(&self) -> &str {
        self.metadata.get("name").and_then(Doc::as_str).unwrap_or_default()
    }

    /// Go's JSON of the Application's metadata (with the `ApplicationSet`'s namespace) and
    /// spec.
    pub fn to_json(&self, namespace: Option<&str>) -> (Json, Json) {
        let mut metadata = self.metadata.clone();
        metadata.remove("namespace");
        if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
            metadata.set("namespace", Doc::str(ns, Span::default()));
        }
        (
            doc::print(Some(&metadata), metadata_ty()),
            doc::print(Some(&self.spec), schema::application()),
        )
    }
}

/// `RenderTemplateParams` (and the finalizer default) for one parameter set.
pub(crate) fn render_application(
    renderer: &mut Renderer,
    template: &Doc,
    params: &Params,
    preserve_resources: bool,
) -> Result<App, Failure> {
    let empty = Doc::map(Vec::new(), template.span);
    let metadata = template.get("metadata").unwrap_or(&empty);
    let spec = template.get("spec").unwrap_or(&empty);
    if params::is_empty(params) {
        return Ok(App { metadata: metadata.clone(), spec: spec.clone() });
    }
    let mut metadata = renderer.render(metadata, metadata_ty(), params)?;
    let spec = renderer.render(spec, schema::application(), params)?;
    let has_finalizers = metadata.get("finalizers").is_some_and(|f| !f.items().is_empty());
    if !preserve_resources && !has_finalizers {
        let list =
            Doc::new(V::List(vec![Doc::str(RESOURCES_FINALIZER, metadata.span)]), metadata.span);
        metadata.set("finalizers", list);
    }
    Ok(App { metadata, spec })
}

/// `renderTemplatePatch` + `applyTemplatePatch`.
pub(crate) fn apply_patch(
    renderer: &mut Renderer,
    app: App,
    patch: &Doc,
    params: &Params,
) -> Result<App, Failure> {
    let text = patch.as_str().unwrap_or_default();
    let rendered = renderer.replace_at(text, patch.span, params).map_err(|mut f| {
        f.message = format!("error replacing values in templatePatch: {}", f.message);
        f
    })?;
    let fail = |message: String| Failure { message, at: patch.span, inner: None };
    let json = super::funcs::yaml_to_json(&rendered).map_err(|e| {
        fail(format!(
            "error while converting template to json {}: error converting YAML to JSON: {e}",
            crate::gostring::quote(&rendered)
        ))
    })?;
    let patch_doc = Doc::from_json(&json, patch.span);
    let json_text = {
        let mut out = String::new();
        crate::yaml::json::write_go_json(&json, crate::yaml::json::GoJson::default(), &mut out);
        out
    };
    match &patch_doc.v {
        V::Map(_) => {}
        V::Null => return Ok(app),
        _ => {
            return Err(fail(format!(
                "invalid templatePatch {}: json: cannot unmarshal {} into Go value of type v1alpha1.Application",
                crate::gostring::quote(&json_text),
                patch_doc.json_kind()
            )));
        }
    }
    for (part, ty) in [("metadata", metadata_ty()), ("spec", schema::application())] {
        if let Some(value) = patch_doc.get(part)
            && let Some(problem) = type_error(value, ty, &format!("Application.{part}"))
        {
            return Err(fail(format!(
                "invalid templatePatch {}: {problem}",
                crate::gostring::quote(&json_text)
            )));
        }
    }
    let project = app.spec.get("project").cloned();
    let App { mut metadata, mut spec } = app;
    for (part, target, ty) in
        [("metadata", &mut metadata, metadata_ty()), ("spec", &mut spec, schema::application())]
    {
        let Some(value) = patch_doc.get(part) else { continue };
        let merged = match &value.v {
            V::Null => {
                *target = Doc::map(Vec::new(), target.span);
                Ok(())
            }
            V::Map(_) => strategic_merge(target, value, ty),
            _ => {
                *target = value.clone();
                Ok(())
            }
        };
        merged.map_err(|e| {
            fail(format!(
                "error while applying templatePatch template to json {}: {e}",
                crate::gostring::quote(&json_text)
            ))
        })?;
    }
    match project {
        Some(p) => spec.set("project", p),
        None => spec.remove("project"),
    }
    Ok(App { metadata, spec })
}

/// The first value Go's `json.Unmarshal` into the Application type refuses.
fn type_error(doc: &Doc, ty: Ty, path: &str) -> Option<String> {
    let refuse = |want: &str| {
        Some(format!(
            "json: cannot unmarshal {} into Go struct field {path} of type {want}",
            doc.json_kind()
        ))
    };
    match (&doc.v, ty) {
        (V::Null, _)
        | (V::Str(_), Ty::Str | Ty::IntOrStr)
        | (V::Bool(_), Ty::Bool)
        | (V::Int(_), Ty::Int | Ty::Float | Ty::IntOrStr)
        | (V::Float(_), Ty::Float)
        | (_, Ty::Raw) => None,
        (V::Float(f), Ty::Int) if f.fract() == 0.0 => None,
        (V::Map(entries), Ty::Object(id, _)) => entries.iter().find_map(|e| {
            let field = schema::field(id, &e.key)?;
            type_error(&e.value, field.ty, &format!("{path}.{}", e.key))
        }),
        (V::Map(entries), Ty::Map(item)) => {
            let item = schema::parse(item);
            entries.iter().find_map(|e| type_error(&e.value, item, &format!("{path}.{}", e.key)))
        }
        (V::List(items), Ty::List(item)) => {
            let item = schema::parse(item);
            items.iter().find_map(|i| type_error(i, item, path))
        }
        (_, ty) => refuse(schema::go_name(ty)),
    }
}

/// `strategicpatch.StrategicMergePatch` against the Application struct, whose fields carry
/// no patch strategy: maps merge, lists are replaced, `null` deletes. Inside raw values
/// (`runtime.RawExtension`, type `Raw`), two maps or two lists under one key are an error (the
/// struct has no such field to look the strategy up on).
fn strategic_merge(original: &mut Doc, patch: &Doc, ty: Ty) -> Result<(), String> {
    if let Some(directive) = patch.get("$patch").and_then(Doc::as_str) {
        match directive {
            "replace" => {
                let mut replaced = patch.clone();
                replaced.remove("$patch");
                *original = replaced;
                return Ok(());
            }
            "delete" => {
                *original = Doc::map(Vec::new(), original.span);
                return Ok(());
            }
            other => {
                return Err(format!("unknown patch type: {other} in map: {}", json_line(patch)));
            }
        }
    }
    for e in patch.entries() {
        if e.key.starts_with('$') {
            continue;
        }
        if matches!(e.value.v, V::Null) {
            original.remove(&e.key);
            continue;
        }
        let field_ty = match ty {
            Ty::Object(id, _) => schema::field(id, &e.key).map_or(Ty::Raw, |f| f.ty),
            Ty::Map(item) => schema::parse(item),
            _ => Ty::Raw,
        };
        let Some(current) = original.get_mut(&e.key) else {
            original.set(&e.key, e.value.clone());
            continue;
        };
        match (&current.v, &e.value.v) {
            (V::Map(_), V::Map(_)) | (V::List(_), V::List(_)) if ty == Ty::Raw => {
                return Err(format!(
                    "unable to find api field in struct RawExtension for the json field {}",
                    crate::gostring::quote(&e.key)
                ));
            }
            (V::Map(_), V::Map(_)) => strategic_merge(current, &e.value, field_ty)?,
            _ => *current = e.value.clone(),
        }
    }
    Ok(())
}

fn json_line(doc: &Doc) -> String {
    let mut out = String::new();
    crate::yaml::json::write_go_json(
        &doc.to_json(),
        crate::yaml::json::GoJson::default(),
        &mut out,
    );
    out
}
