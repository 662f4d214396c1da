//! The commit message: `spec.git.commit.messageTemplate` rendered as image-automation-controller
//! renders it, with [`crate::gotemplate`].
//!
//! image-automation-controller d36e2ea `internal/source/source.go` (`templateMsg`): Go's
//! `text/template` named `commit message`, with Sprig's `HermeticTxtFuncMap` (so Flux does use
//! Sprig: its hermetic functions, no clock, environment or randomness), executed on
//! `TemplateData{AutomationObject, Changed, Values}`; an empty template is
//! `Update from image update automation`; a parse error is "unable to create commit message
//! template from spec: …", an execution error "failed to run template from spec: …", and
//! `.Updated` / `.Changed.ImageResult` are reported as removed fields. `Changed` is
//! `internal/update/result.go`'s `Result` (`FileChanges`, and the methods `Objects` and
//! `Changes`).
//!
//! v1beta1 automations (the seed's) keep the data of the controller that served v1beta1
//! (`internal/controller/imageupdateautomation_controller.go` and `pkg/update/result.go` before
//! 5789c00): `TemplateData{AutomationObject, Updated}`, `Updated` being the old `Result`
//! (`Files`, and the methods `Images` and `Objects`) whose image references print as the
//! policy's latest image. Using it gives a warning (`F026`): newer API versions removed it.
//!
//! Go ranges over maps in sorted key order, and so does this data. Where Flux iterates a Go
//! map itself (`Result.Changes`, the old `Result.Images`) its order is random; here files and
//! objects are taken in sorted order, which is one of Flux's possible answers.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::gotemplate::{ExecOptions, Field, Funcs, StructType, Template, Type, Value};

use super::objects::ImageUpdateAutomation;
use super::setters::ObjectId;
use super::update::ChangeRecord;

/// Flux's message when the template is empty.
pub const DEFAULT_MESSAGE: &str = "Update from image update automation";

/// The template's name in Flux (it appears in Go's error messages).
const TEMPLATE_NAME: &str = "commit message";

/// The commit an automation would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Commit {
    pub message: String,
    pub author: Author,
}

/// `spec.git.commit.author`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// What an automation's changes give its template: each change, and the image reference of
/// the policy behind its setter (`name:tag[@digest]`, for the v1beta1 data).
#[derive(Debug, Clone)]
pub struct Changed<'a> {
    pub change: &'a ChangeRecord,
    pub image: String,
}

/// Whether the template parses (Flux reports a parse error on every run).
#[must_use]
pub fn check(automation: &ImageUpdateAutomation) -> Option<Diagnostic> {
    let template = automation.message_template.as_ref()?;
    let error = Template::parse(TEMPLATE_NAME, &template.value, &Funcs::hermetic()).err()?;
    Some(
        Diagnostic::new(
            Code::MessageTemplateInvalid,
            format!(
                "ImageUpdateAutomation {}/{}: unable to create commit message template from spec: {}",
                automation.namespace, automation.name, error.message
            ),
        )
        .at(&*template.file, template.span),
    )
}

/// Renders the commit message of an automation that changed something (Flux makes no commit
/// otherwise). A template that fails is a diagnostic and no commit.
pub fn commit(
    automation: &ImageUpdateAutomation,
    changed: &[Changed<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Commit> {
    let text = automation.message_template.as_ref().map_or("", |t| t.value.as_str());
    let at = |d: Diagnostic| match &automation.message_template {
        Some(t) => d.at(&*t.file, t.span),
        None => d.at(&*automation.site.file, automation.site.span),
    };
    let author =
        Author { name: automation.author_name.clone(), email: automation.author_email.clone() };
    if text.is_empty() {
        return Some(Commit { message: DEFAULT_MESSAGE.to_string(), author });
    }
    let id = format!("ImageUpdateAutomation {}/{}", automation.namespace, automation.name);
    let template = match Template::parse(TEMPLATE_NAME, text, &Funcs::hermetic()) {
        Ok(template) => template,
        Err(e) => {
            diagnostics.push(at(Diagnostic::new(
                Code::MessageTemplateInvalid,
                format!("{id}: unable to create commit message template from spec: {}", e.message),
            )));
            return None;
        }
    };
    let legacy = automation.api_version.ends_with("/v1beta1");
    let data = if legacy { legacy_data(automation, changed) } else { data(automation, changed) };
    match template.execute(&data, &ExecOptions::default()) {
        Ok(message) => {
            if legacy && text.contains(".Updated") {
                diagnostics.push(at(Diagnostic::new(
                    Code::MessageTemplateLegacy,
                    format!("{id}: the template uses `.Updated`, which image.toolkit.fluxcd.io/v1beta2 and v1 removed (use `.Changed`); rendered as the v1beta1 controller did"),
                )));
            }
            Some(Commit { message, author })
        }
        Err(e) => {
            diagnostics.push(at(Diagnostic::new(
                Code::MessageTemplateFails,
                format!("{id}: {}", execution_error(&e.message)),
            )));
            None
        }
    }
}

/// Flux's words for an execution error (`checkRemovedTemplateField`, then the wrapper).
fn execution_error(message: &str) -> String {
    const SEE: &str =
        "See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template";
    if message.contains("can't evaluate field Updated in type source.TemplateData") {
        return format!(
            "template uses removed '.Updated' field. Please use '.Changed' instead. {SEE}"
        );
    }
    if message.contains("can't evaluate field ImageResult in type update.Result") {
        return format!(
            "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. {SEE}"
        );
    }
    format!("failed to run template from spec: {message}")
}

/// Go types of the data, built once per message.
struct Types {
    namespaced_name: Rc<StructType>,
    object_id: Rc<StructType>,
    type_meta: Rc<StructType>,
    name_meta: Rc<StructType>,
    resource_id: Rc<StructType>,
}

impl Types {
    fn new() -> Types {
        let s = |name: &str, fields: Vec<Field>| Rc::new(StructType::new(name, fields));
        let type_meta = s(
            "yaml.TypeMeta",
            vec![Field::new("APIVersion", Type::String), Field::new("Kind", Type::String)],
        );
        let name_meta = s(
            "yaml.NameMeta",
            vec![Field::new("Name", Type::String), Field::new("Namespace", Type::String)],
        );
        let resource_id = s(
            "yaml.ResourceIdentifier",
            vec![
                Field::embedded("TypeMeta", Type::Struct(type_meta.clone())),
                Field::embedded("NameMeta", Type::Struct(name_meta.clone())),
            ],
        );
        let object_id = s(
            "update.ObjectIdentifier",
            vec![Field::embedded("ResourceIdentifier", Type::Struct(resource_id.clone()))],
        );
        let namespaced_name = s(
            "types.NamespacedName",
            vec![Field::new("Namespace", Type::String), Field::new("Name", Type::String)],
        );
        Types { namespaced_name, object_id, type_meta, name_meta, resource_id }
    }

    /// `types.NamespacedName`, printing `namespace/name`.
    fn namespaced(&self, namespace: &str, name: &str) -> Value {
        Value::structure(
            &self.namespaced_name,
            vec![namespace.into(), name.into()],
            vec![],
            Some(&format!("{namespace}/{name}")),
        )
    }

    fn object(&self, id: &ObjectId) -> Value {
        let type_meta = Value::structure(
            &self.type_meta,
            vec![id.api_version.as_str().into(), id.kind.as_str().into()],
            vec![],
            None,
        );
        let name_meta = Value::structure(
            &self.name_meta,
            vec![id.name.as_str().into(), id.namespace.as_str().into()],
            vec![],
            None,
        );
        let resource =
            Value::structure(&self.resource_id, vec![type_meta, name_meta], vec![], None);
        Value::structure(&self.object_id, vec![resource], vec![], None)
    }
}

/// The changes grouped as Flux's results group them: file → object → changes, in visit order
/// within each object.
fn grouped<'c, 'a>(
    changed: &'c [Changed<'a>],
) -> BTreeMap<&'c str, BTreeMap<&'c ObjectId, Vec<&'c Changed<'a>>>> {
    let mut out: BTreeMap<&str, BTreeMap<&ObjectId, Vec<&Changed<'_>>>> = BTreeMap::new();
    for c in changed {
        out.entry(c.change.file.as_str()).or_default().entry(&c.change.object).or_default().push(c);
    }
    out
}

/// `source.TemplateData` of the current controller (v1beta2 and v1).
fn data(automation: &ImageUpdateAutomation, changed: &[Changed<'_>]) -> Value {
    let types = Types::new();
    let change_t = Rc::new(StructType::new(
        "update.Change",
        vec![
            Field::new("OldValue", Type::String),
            Field::new("NewValue", Type::String),
            Field::new("Setter", Type::String),
        ],
    ));
    let changes_t = Type::Slice(Rc::new(Type::Struct(change_t.clone())));
    let object_changes_t = Type::Named(
        "update.ObjectChanges".into(),
        Rc::new(Type::Map(
            Rc::new(Type::Struct(types.object_id.clone())),
            Rc::new(changes_t.clone()),
        )),
    );
    let change = |c: &ChangeRecord| {
        Value::structure(
            &change_t,
            vec![c.old.as_str().into(), c.new.as_str().into(), c.setter.as_str().into()],
            vec![],
            None,
        )
    };
    let files = grouped(changed);
    let mut file_changes = Vec::new();
    // `Objects()`: each identity's changes from every file, appended in file order.
    let mut objects: BTreeMap<&ObjectId, Vec<Value>> = BTreeMap::new();
    // `Changes()`: each distinct (old, new, setter) once.
    let mut distinct: Vec<(&str, &str, &str)> = Vec::new();
    let mut all = Vec::new();
    for (file, by_object) in &files {
        let mut entries = Vec::new();
        for (object, list) in by_object {
            let values: Vec<Value> = list.iter().map(|c| change(c.change)).collect();
            objects.entry(object).or_default().extend(values.iter().cloned());
            entries.push((types.object(object), Value::list_of_type(changes_t.clone(), values)));
            for c in list {
                let key = (c.change.old.as_str(), c.change.new.as_str(), c.change.setter.as_str());
                if !distinct.contains(&key) {
                    distinct.push(key);
                    all.push(change(c.change));
                }
            }
        }
        file_changes
            .push((Value::from(*file), Value::map_of_type(object_changes_t.clone(), entries)));
    }
    let objects = Value::map_of_type(
        object_changes_t.clone(),
        objects
            .into_iter()
            .map(|(id, list)| (types.object(id), Value::list_of_type(changes_t.clone(), list)))
            .collect(),
    );
    let result_t = Rc::new(
        StructType::new(
            "update.Result",
            vec![Field::new(
                "FileChanges",
                Type::Map(Rc::new(Type::String), Rc::new(object_changes_t.clone())),
            )],
        )
        .with_method("Objects", object_changes_t.clone())
        .with_method("Changes", changes_t.clone()),
    );
    let result = Value::structure(
        &result_t,
        vec![Value::map(Type::String, object_changes_t, file_changes)],
        vec![objects, Value::list_of_type(changes_t, all)],
        None,
    );
    let data_t = Rc::new(StructType::new(
        "source.TemplateData",
        vec![
            Field::new("AutomationObject", Type::Struct(types.namespaced_name.clone())),
            Field::new("Changed", Type::Struct(result_t)),
            Field::new("Values", Type::Map(Rc::new(Type::String), Rc::new(Type::String))),
        ],
    ));
    // A nil map when the automation sets no values (Go's zero value prints the same).
    let values = Value::string_map(
        automation.message_template_values.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::structure(
        &data_t,
        vec![types.namespaced(&automation.namespace, &automation.name), result, values],
        vec![],
        None,
    )
}

/// The v1beta1 controller's `TemplateData{AutomationObject, Updated}`.
fn legacy_data(automation: &ImageUpdateAutomation, changed: &[Changed<'_>]) -> Value {
    let types = Types::new();
    let image_ref_t = Type::Named("update.ImageRef".into(), Rc::new(Type::Interface));
    let refs_t = Type::Slice(Rc::new(image_ref_t));
    let by_object_t =
        Type::Map(Rc::new(Type::Struct(types.object_id.clone())), Rc::new(refs_t.clone()));
    let file_result_t = Rc::new(StructType::new(
        "update.FileResult",
        vec![Field::new("Objects", by_object_t.clone())],
    ));
    let files = grouped(changed);
    let mut images: Vec<(String, String)> = Vec::new();
    let mut file_values = Vec::new();
    let mut objects: BTreeMap<&ObjectId, Vec<(String, String)>> = BTreeMap::new();
    for (file, by_object) in &files {
        let mut entries = Vec::new();
        for (object, list) in by_object {
            // One reference per policy image in an object (`setAll`'s callback dedupes).
            let mut refs: Vec<(String, String)> = Vec::new();
            for c in list {
                let key = (c.image.clone(), policy_of(&c.change.setter));
                if !refs.contains(&key) {
                    refs.push(key);
                }
            }
            for r in &refs {
                if !images.contains(r) {
                    images.push(r.clone());
                }
            }
            let all = objects.entry(object).or_default();
            all.extend(refs.iter().cloned());
            let values =
                refs.iter().map(|(image, policy)| image_ref(&types, image, policy)).collect();
            entries.push((types.object(object), Value::list_of_type(refs_t.clone(), values)));
        }
        let file_result = Value::structure(
            &file_result_t,
            vec![Value::map_of_type(by_object_t.clone(), entries)],
            vec![],
            None,
        );
        file_values.push((Value::from(*file), file_result));
    }
    let refs = |list: &[(String, String)]| {
        Value::list_of_type(
            refs_t.clone(),
            list.iter().map(|(image, policy)| image_ref(&types, image, policy)).collect(),
        )
    };
    let objects = Value::map_of_type(
        by_object_t.clone(),
        objects.iter().map(|(id, list)| (types.object(id), refs(list))).collect(),
    );
    let result_t = Rc::new(
        StructType::new(
            "update.Result",
            vec![Field::new(
                "Files",
                Type::Map(Rc::new(Type::String), Rc::new(Type::Struct(file_result_t))),
            )],
        )
        .with_method("Images", refs_t.clone())
        .with_method("Objects", by_object_t),
    );
    let files_t = match &result_t.fields[0].ty {
        Type::Map(_, elem) => (**elem).clone(),
        _ => Type::Interface,
    };
    let result = Value::structure(
        &result_t,
        vec![Value::map(Type::String, files_t, file_values)],
        vec![refs(&images), objects],
        None,
    );
    let data_t = Rc::new(StructType::new(
        "controller.TemplateData",
        vec![
            Field::new("AutomationObject", Type::Struct(types.namespaced_name.clone())),
            Field::new("Updated", Type::Struct(result_t)),
        ],
    ));
    Value::structure(
        &data_t,
        vec![types.namespaced(&automation.namespace, &automation.name), result],
        vec![],
        None,
    )
}

/// `namespace:name` of a setter (`namespace:name[:suffix]`).
fn policy_of(setter: &str) -> String {
    let mut parts = setter.splitn(3, ':');
    format!("{}:{}", parts.next().unwrap_or(""), parts.next().unwrap_or(""))
}

/// The old `update.imageRef`: prints as the policy's latest image (go-containerregistry's
/// `String()` is the text it parsed); `Identifier` is the tag or digest, `Policy` the policy.
/// `Name`, `Repository` and `Registry` are given when the image names its registry (a host
/// with a dot or a port, or `localhost`, other than Docker Hub's), where go-containerregistry
/// adds no defaults.
fn image_ref(types: &Types, image: &str, policy: &str) -> Value {
    let (namespace, name) = policy.split_once(':').unwrap_or(("", policy));
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository_full, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], &rest[slash + i + 1..]),
        None => (rest, ""),
    };
    let identifier = digest.unwrap_or(tag);
    let mut ty = StructType::new("update.imageRef", vec![])
        .with_method("String", Type::String)
        .with_method("Identifier", Type::String)
        .with_method("Policy", Type::Struct(types.namespaced_name.clone()));
    let mut methods =
        vec![Value::from(image), Value::from(identifier), types.namespaced(namespace, name)];
    if let Some((registry, repository)) = repository_full.split_once('/')
        && (registry.contains('.') || registry.contains(':') || registry == "localhost")
        && !matches!(registry, "docker.io" | "index.docker.io")
    {
        let delimiter = if digest.is_some() { "@" } else { ":" };
        ty = ty
            .with_method("Name", Type::String)
            .with_method("Repository", Type::String)
            .with_method("Registry", Type::String);
        methods.push(Value::from(format!("{repository_full}{delimiter}{identifier}")));
        methods.push(Value::from(repository));
        methods.push(Value::from(registry));
    }
    Value::structure(&Rc::new(ty), vec![], methods, Some(image))
}
