//! `generators:` and `transformers:` — kustomize's plugins, of which Baton runs the builtin ones.
//!
//! Each entry names plugin configurations (inline, in a file, or built by a directory's
//! kustomization; `build.rs` gathers them as kustomize does). A configuration whose
//! `apiVersion` is `builtin` configures one of kustomize's own plugins, which kustomize runs in
//! process with exactly the code that serves the kustomization's fields
//! (`api/internal/builtins`, `api/internal/target/kusttarget_configplugin.go`). Baton does the
//! same: a builtin configuration is decoded into the kustomization field it corresponds to
//! (`LabelTransformer` → `commonLabels` with the configuration's own `fieldSpecs`,
//! `PatchTransformer` → one `patches` entry, …) and run by the transformer or generator that
//! serves that field, with the field specs swapped in for the run.
//!
//! Anything else is an external plugin — an exec or Go plugin, or a KRM function (a
//! container, an exec program, Starlark). Baton runs no programs: each is refused with a
//! diagnostic that says which kind it is, and the build goes on to find every other refusal.

use std::sync::Arc;

use super::context::{Accumulator, Builder, Built};
use super::fieldspec::FieldSpec;
use super::generate;
use super::kustomization::{
    GeneratorArgs, Kustomization, Patch, Str, decode_field_specs, decode_generator, decode_image,
    decode_patch, decode_replacement_entry, decode_replica, decode_selector,
};
use super::resource::Resource;
use super::transform::metadata::{NamespaceArgs, SubjectMode};
use super::transform::{self, config_file::to_spec};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::Node;
use crate::yaml::decode::Decoder;

/// Runs the builtin generators among `configs` (the configurations of a `generators:` field)
/// and refuses the external ones.
pub fn generate(
    b: &mut Builder,
    dir: &str,
    acc: &mut Accumulator,
    configs: &[Resource],
) -> Built<()> {
    run(b, dir, acc, configs, Role::Generator)
}

/// Runs the builtin transformers among `configs` (the configurations of a `transformers:`
/// field), in order, and refuses the external ones.
pub fn transform(
    b: &mut Builder,
    dir: &str,
    acc: &mut Accumulator,
    configs: &[Resource],
) -> Built<()> {
    run(b, dir, acc, configs, Role::Transformer)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Generator,
    Transformer,
}

impl Role {
    fn field(self) -> &'static str {
        match self {
            Role::Generator => "generators",
            Role::Transformer => "transformers",
        }
    }
}

/// kustomize v5.8.1's builtin plugins (`builtinhelpers/builtins.go`), by role.
const GENERATORS: &[&str] =
    &["ConfigMapGenerator", "SecretGenerator", "HelmChartInflationGenerator", "IAMPolicyGenerator"];
const TRANSFORMERS: &[&str] = &[
    "AnnotationsTransformer",
    "HashTransformer",
    "ImageTagTransformer",
    "LabelTransformer",
    "NamespaceTransformer",
    "PatchJson6902Transformer",
    "PatchStrategicMergeTransformer",
    "PatchTransformer",
    "PrefixSuffixTransformer",
    "PrefixTransformer",
    "SuffixTransformer",
    "ReplacementTransformer",
    "ReplicaCountTransformer",
    "ValueAddTransformer",
];

fn run(
    b: &mut Builder,
    dir: &str,
    acc: &mut Accumulator,
    configs: &[Resource],
    role: Role,
) -> Built<()> {
    for config in configs {
        // kustomize's `isBuiltinPlugin`: no group, version `builtin`.
        if config.api_version() != "builtin" {
            b.refuse(external(config, role));
            continue;
        }
        let kind = config.kind();
        let (mine, other) = match role {
            Role::Generator => (GENERATORS, TRANSFORMERS),
            Role::Transformer => (TRANSFORMERS, GENERATORS),
        };
        if other.contains(&kind) {
            let what = if role == Role::Generator { "generator" } else { "transformer" };
            return b.fail(
                at_kind(
                    config,
                    Code::TransformerInvalid,
                    format!("plugin {} not a {what}", config_id(config)),
                )
                .with_help(format!(
                    "list it under '{}'",
                    if role == Role::Generator { "transformers" } else { "generators" }
                )),
            );
        }
        if !mine.contains(&kind) {
            return b.fail(
                at_kind(
                    config,
                    Code::TransformerInvalid,
                    format!("unable to load builtin {kind}.builtin.[noGrp]"),
                )
                .with_help("kustomize v5.8.1 has no builtin plugin of this kind"),
            );
        }
        if let Some(why) = unsupported_builtin(kind) {
            b.refuse(at_kind(
                config,
                Code::UnsupportedField,
                format!("'{}' entry {kind} is not supported: {why}", role.field()),
            ));
            continue;
        }
        let steps = configure(b, config, kind)?;
        if b.refused {
            continue;
        }
        for step in &steps {
            run_step(b, dir, acc, step)?;
        }
    }
    Ok(())
}

/// Builtins Baton does not run, and why.
fn unsupported_builtin(kind: &str) -> Option<&'static str> {
    match kind {
        "HelmChartInflationGenerator" => Some(
            "Helm charts are pulled and inflated by the helm binary; Baton renders offline and runs no programs",
        ),
        "IAMPolicyGenerator" => Some("it generates cloud IAM bindings, which Baton does not model"),
        "ValueAddTransformer" => Some(
            "this alpha transformer has no kustomization field and Baton does not implement it",
        ),
        _ => None,
    }
}

/// One run of a builtin: the kustomization field it stands for, in a kustomization of its
/// own, and the field specs it brings.
struct Step {
    k: Kustomization,
    /// The transformer-configuration section replaced by the plugin's `fieldSpecs`.
    specs: Option<(&'static str, Vec<FieldSpec>)>,
    action: Action,
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Labels,
    Annotations,
    PrefixSuffix,
    Namespace { unset_only: bool, subjects: SubjectMode },
    Images,
    Replicas,
    Patches,
    PatchesStrategicMerge,
    PatchesJson6902,
    Replacements,
    Hash,
    Generate,
}

fn run_step(b: &mut Builder, dir: &str, acc: &mut Accumulator, step: &Step) -> Built<()> {
    let saved = acc.config.clone();
    if let Some((section, specs)) = &step.specs {
        let mut config = (*acc.config).clone();
        if let Some(target) = config.section_mut(section) {
            target.clone_from(specs);
        }
        acc.config = Arc::new(config);
    }
    let k = &step.k;
    let result = match step.action {
        Action::Labels => transform::metadata::labels(b, k, acc),
        Action::Annotations => transform::metadata::annotations(b, k, acc),
        Action::PrefixSuffix => transform::metadata::prefix_suffix(b, k, acc),
        Action::Namespace { unset_only, subjects } => match &k.namespace {
            Some(namespace) => transform::metadata::apply_namespace(
                b,
                k,
                acc,
                NamespaceArgs { namespace, unset_only, subjects },
            ),
            None => Ok(()),
        },
        Action::Images => transform::images::run(b, k, acc),
        Action::Replicas => transform::metadata::replicas(b, k, acc),
        Action::Patches => transform::patches::patches(b, dir, k, acc),
        Action::PatchesStrategicMerge => transform::patches::strategic_merge_legacy(b, dir, k, acc),
        Action::PatchesJson6902 => transform::patches::json6902_legacy(b, dir, k, acc),
        Action::Replacements => transform::replacements::run(b, dir, k, acc),
        Action::Hash => generate::add_name_hashes(b, k, acc),
        Action::Generate => generate::run(b, dir, k, acc),
    };
    acc.config = saved;
    result
}

/// Decodes a builtin configuration as its plugin's `Config` does (`sigs.k8s.io/yaml`: JSON
/// field names matched without regard to case, unknown fields ignored) into the steps it runs.
fn configure(b: &mut Builder, config: &Resource, kind: &str) -> Built<Vec<Step>> {
    let file = config.source.clone();
    let mut d = Decoder::new(&file, Code::TransformerInvalid, "invalid plugin configuration");
    d.ignore_unknown = true;
    let node = &config.node;
    let mut k = Kustomization { file: file.to_string(), ..Kustomization::default() };
    let known: &[&'static str] = match kind {
        "LabelTransformer" => &["labels", "fieldSpecs"],
        "AnnotationsTransformer" => &["annotations", "fieldSpecs"],
        "PrefixTransformer" => &["prefix", "fieldSpecs"],
        "SuffixTransformer" => &["suffix", "fieldSpecs"],
        "PrefixSuffixTransformer" => &["prefix", "suffix", "fieldSpecs"],
        "NamespaceTransformer" => {
            &["metadata", "fieldSpecs", "unsetOnly", "setRoleBindingSubjects"]
        }
        "ImageTagTransformer" => &["imageTag", "fieldSpecs"],
        "ReplicaCountTransformer" => &["replica", "fieldSpecs"],
        "PatchTransformer" => &["path", "patch", "target", "options"],
        "PatchStrategicMergeTransformer" => &["paths", "patches"],
        "PatchJson6902Transformer" => &["target", "path", "jsonOp"],
        "ReplacementTransformer" => &["replacements"],
        "ConfigMapGenerator" | "SecretGenerator" => &[
            "metadata",
            "name",
            "namespace",
            "behavior",
            "literals",
            "files",
            "envs",
            "env",
            "options",
            "type",
        ],
        // `HashTransformer` has no fields.
        _ => &[],
    };
    let fields = d.fields(node, kind, known).unwrap_or_default();
    let field = |name: &str| fields.iter().find(|(n, _, _)| *n == name).map(|(_, _, v)| *v);
    // Go's nil: a missing or null `fieldSpecs`.
    let specs_node = field("fieldSpecs").filter(|n| !Decoder::is_null(n));
    let specs: Vec<FieldSpec> = specs_node
        .map(|n| decode_field_specs(&mut d, n, "FieldSpecs").iter().map(to_spec).collect())
        .unwrap_or_default();
    let mut steps = Vec::new();
    let step = |k: Kustomization, section: Option<&'static str>, action: Action| Step {
        k,
        specs: section.map(|s| (s, specs.clone())),
        action,
    };
    match kind {
        "LabelTransformer" => {
            k.common_labels =
                field("labels").map(|n| d.string_map(n, "labels")).unwrap_or_default();
            steps.push(step(k, Some("commonLabels"), Action::Labels));
        }
        "AnnotationsTransformer" => {
            k.common_annotations =
                field("annotations").map(|n| d.string_map(n, "annotations")).unwrap_or_default();
            steps.push(step(k, Some("commonAnnotations"), Action::Annotations));
        }
        "PrefixTransformer" | "SuffixTransformer" | "PrefixSuffixTransformer" => {
            if specs_node.is_none() {
                d.error(node, "fieldSpecs is not expected to be nil");
            }
            let prefix = field("prefix").and_then(|n| d.string(n, "prefix"));
            let suffix = field("suffix").and_then(|n| d.string(n, "suffix"));
            if kind != "SuffixTransformer" {
                // `k` holds only its file here: a new one, not a clone (a clone of a whole
                // Kustomization instantiates a clone of every field type in the wasm build).
                let prefixed = Kustomization {
                    file: k.file.clone(),
                    name_prefix: prefix,
                    ..Kustomization::default()
                };
                steps.push(step(prefixed, Some("namePrefix"), Action::PrefixSuffix));
            }
            if kind != "PrefixTransformer" {
                k.name_suffix = suffix;
                steps.push(step(k, Some("nameSuffix"), Action::PrefixSuffix));
            }
        }
        "NamespaceTransformer" => {
            k.namespace = field("metadata").and_then(|m| metadata_field(&mut d, m, "namespace"));
            let unset_only =
                field("unsetOnly").and_then(|n| d.bool(n, "unsetOnly")).unwrap_or(false);
            let subjects = match field("setRoleBindingSubjects")
                .and_then(|n| d.string(n, "setRoleBindingSubjects"))
            {
                None => SubjectMode::DefaultOnly,
                Some(mode) => match mode.as_str() {
                    "" | "defaultOnly" => SubjectMode::DefaultOnly,
                    "allServiceAccounts" => SubjectMode::AllServiceAccounts,
                    "none" => SubjectMode::None,
                    other => {
                        d.error_at(
                            &mode.origin,
                            format!("invalid value {other:?} for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""),
                        );
                        SubjectMode::DefaultOnly
                    }
                },
            };
            steps.push(step(k, Some("namespace"), Action::Namespace { unset_only, subjects }));
        }
        "ImageTagTransformer" => {
            k.images =
                field("imageTag").and_then(|n| decode_image(&mut d, n)).into_iter().collect();
            steps.push(step(k, Some("images"), Action::Images));
        }
        "ReplicaCountTransformer" => {
            k.replicas =
                field("replica").and_then(|n| decode_replica(&mut d, n)).into_iter().collect();
            steps.push(step(k, Some("replicas"), Action::Replicas));
        }
        "PatchTransformer" => {
            // The plugin's fields are those of a `patches` entry.
            let mut patch = decode_patch(&mut d, node).unwrap_or_default();
            patch.origin = node.origin.clone();
            k.patches = vec![patch];
            steps.push(step(k, None, Action::Patches));
        }
        "PatchStrategicMergeTransformer" => {
            let mut entries = field("paths").map(|n| d.strings(n, "paths")).unwrap_or_default();
            if let Some(text) = field("patches").and_then(|n| d.string(n, "patches"))
                && !text.value.is_empty()
            {
                entries.push(text);
            }
            if entries.is_empty() {
                d.error(node, "empty file path and empty patch content");
            }
            k.patches_strategic_merge = entries;
            steps.push(step(k, None, Action::PatchesStrategicMerge));
        }
        "PatchJson6902Transformer" => {
            let target = field("target")
                .filter(|n| !Decoder::is_null(n))
                .and_then(|n| decode_selector(&mut d, n, "Selector"));
            let path =
                field("path").and_then(|n| d.string(n, "path")).filter(|p| !p.value.is_empty());
            let patch =
                field("jsonOp").and_then(|n| d.string(n, "jsonOp")).filter(|p| !p.value.is_empty());
            k.patches_json6902 = vec![Patch {
                path,
                patch,
                target,
                origin: node.origin.clone(),
                ..Patch::default()
            }];
            steps.push(step(k, None, Action::PatchesJson6902));
        }
        "ReplacementTransformer" => {
            k.replacements = field("replacements")
                .map(|n| d.list(n, "replacements", decode_replacement_entry))
                .unwrap_or_default();
            steps.push(step(k, None, Action::Replacements));
        }
        "HashTransformer" => steps.push(step(k, None, Action::Hash)),
        "ConfigMapGenerator" | "SecretGenerator" => {
            let secret = kind == "SecretGenerator";
            let mut args = decode_generator(&mut d, node, secret).unwrap_or_default();
            // `ObjectMeta` fills what the arguments leave empty.
            if let Some(meta) = field("metadata") {
                if args.name.value.is_empty()
                    && let Some(name) = metadata_field(&mut d, meta, "name")
                {
                    args.name = name;
                }
                if args.namespace.as_ref().is_none_or(|n| n.value.is_empty())
                    && let Some(namespace) = metadata_field(&mut d, meta, "namespace")
                {
                    args.namespace = Some(namespace);
                }
            }
            args.origin = node.origin.clone();
            set_generator(&mut k, args, secret);
            steps.push(step(k, None, Action::Generate));
        }
        _ => {}
    }
    if d.errors.is_empty() {
        Ok(steps)
    } else {
        b.diagnostics.append(&mut d.errors);
        Err(super::context::Failed)
    }
}

fn set_generator(k: &mut Kustomization, args: GeneratorArgs, secret: bool) {
    if secret {
        k.secret_generator = vec![args];
    } else {
        k.config_map_generator = vec![args];
    }
}

/// A string field of an `ObjectMeta` (`metadata:`), other fields ignored.
fn metadata_field(d: &mut Decoder, meta: &Node, name: &str) -> Option<Str> {
    let fields = d.fields(meta, "ObjectMeta", &["name", "namespace", "labels", "annotations"])?;
    let (_, _, value) = fields.into_iter().find(|(n, _, _)| *n == name)?;
    d.string(value, &format!("ObjectMeta.{name}"))
}

/// kustomize's id of a configuration, as its messages print it.
fn config_id(config: &Resource) -> String {
    format!("{}.builtin.[noGrp]/{}.[noNs]", config.kind(), config.name())
}

/// A diagnostic at a configuration's `kind`.
fn at_kind(config: &Resource, code: Code, message: String) -> Diagnostic {
    let span = config.node.get("kind").map_or(config.node.origin.span, |k| k.origin.span);
    Diagnostic::new(code, message).at(config.source.to_string(), span)
}

/// The refusal of an external plugin, saying which kind it is.
fn external(config: &Resource, role: Role) -> Diagnostic {
    let what = match function_spec(config) {
        Some(Function::Container(image)) => {
            format!("a KRM function run in a container (image '{image}')")
        }
        Some(Function::Exec(path)) => format!("a KRM function run as a program ('{path}')"),
        Some(Function::Starlark) => "a Starlark KRM function".to_string(),
        Some(Function::Unknown) => "a KRM function".to_string(),
        None => "an exec or Go plugin (kustomize looks it up by apiVersion and kind in its plugin directory)".to_string(),
    };
    at_kind(
        config,
        Code::UnsupportedField,
        format!(
            "'{}' entry {} ({}) is {what}; Baton runs no plugins",
            role.field(),
            config.kind(),
            config.api_version()
        ),
    )
    .with_help(
        "only configurations with `apiVersion: builtin` run in Baton; render this overlay with `kustomize build --enable-alpha-plugins` (and `--enable-exec` for programs)",
    )
}

enum Function {
    Container(String),
    Exec(String),
    Starlark,
    Unknown,
}

/// The KRM function a configuration names (`runtimeutil.GetFunctionSpec`): the
/// `config.kubernetes.io/function` (or legacy `config.k8s.io/function`) annotation, the
/// legacy `config.kubernetes.io/container` annotation, or `metadata.configFn`.
fn function_spec(config: &Resource) -> Option<Function> {
    let annotations = config.string_map("annotations");
    let annotation = |key: &str| {
        annotations.iter().find(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.clone())
    };
    let spec = if let Some(text) =
        annotation("config.kubernetes.io/function").or_else(|| annotation("config.k8s.io/function"))
    {
        let file: Arc<str> = Arc::from("annotation");
        crate::yaml::parse(&file, &text, &crate::yaml::Limits::default())
            .documents
            .into_iter()
            .next()
            .map(|d| d.root)
    } else if let Some(image) = annotation("config.kubernetes.io/container") {
        return Some(Function::Container(image));
    } else {
        config.node.path(&["metadata", "configFn"]).filter(|n| !n.is_null()).cloned()
    }?;
    let text =
        |path: &[&str]| spec.path(path).and_then(Node::scalar).unwrap_or_default().to_string();
    Some(if spec.get("container").is_some() {
        Function::Container(text(&["container", "image"]))
    } else if spec.get("exec").is_some() {
        Function::Exec(text(&["exec", "path"]))
    } else if spec.get("starlark").is_some() {
        Function::Starlark
    } else {
        Function::Unknown
    })
}

#[cfg(test)]
mod tests {
    use crate::Workspace;
    use crate::kustomize::Rendered;
    use crate::tree::FileTree;

    fn render(files: &[(&str, &str)]) -> Rendered {
        let mut tree = FileTree::new();
        for (path, text) in files {
            tree.insert(path, *text).unwrap();
        }
        Workspace::new(tree).render("")
    }

    fn errors(r: &Rendered) -> Vec<(&str, &str)> {
        r.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code, d.file.as_deref().unwrap_or("")))
            .collect()
    }

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

    #[test]
    fn every_refusal_is_reported_and_nothing_echoes_them() {
        // kustomize stops at the remote base; Baton names it, the exec plugin, the Helm chart
        // and the remote component, and reports no error that only follows from them (the
        // patch's target would have come from the remote base).
        let r = render(&[
            (
                "kustomization.yaml",
                "resources:\n- github.com/example/app//base?ref=v1\n- cm.yaml\n\
                 components:\n- https://example.com/c.git//comp\n\
                 helmCharts:\n- name: redis\n\
                 transformers:\n- plugin.yaml\n\
                 patches:\n- patch: '[{\"op\": \"add\", \"path\": \"/x\", \"value\": 1}]'\n  target:\n    name: from-the-remote-base\n",
            ),
            ("cm.yaml", CM),
            ("plugin.yaml", "apiVersion: example.com/v1\nkind: Sealer\nmetadata:\n  name: s\n"),
        ]);
        assert!(!r.ok() && r.yaml.is_empty());
        let codes: Vec<&str> = errors(&r).iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, ["K005", "K005", "K008", "K008"], "{:#?}", r.diagnostics);
    }

    #[test]
    fn refusals_inside_bases_are_found_too() {
        let r = render(&[
            ("kustomization.yaml", "resources:\n- base\n- other\n"),
            ("base/kustomization.yaml", "resources:\n- https://example.com/a.yaml\n"),
            (
                "other/kustomization.yaml",
                "resources:\n- cm.yaml\ngenerators:\n- |-\n  apiVersion: example.com/v1\n  kind: Gen\n  metadata:\n    name: g\n    annotations:\n      config.kubernetes.io/function: |\n        exec:\n          path: ./gen.sh\n",
            ),
            ("other/cm.yaml", CM),
        ]);
        let found = errors(&r);
        assert_eq!(
            found,
            [("K005", "base/kustomization.yaml"), ("K008", "other/kustomization.yaml")],
            "{:#?}",
            r.diagnostics
        );
        let exec = r.diagnostics.iter().find(|d| d.code == "K008").unwrap();
        assert!(exec.message.contains("run as a program ('./gen.sh')"), "{}", exec.message);
    }

    #[test]
    fn builtin_configuration_errors_point_into_the_configuration() {
        let r = render(&[
            ("kustomization.yaml", "resources:\n- cm.yaml\ntransformers:\n- t.yaml\n"),
            ("cm.yaml", CM),
            (
                "t.yaml",
                "apiVersion: builtin\nkind: PrefixTransformer\nmetadata:\n  name: p\nprefix: x-\n",
            ),
        ]);
        let d = r.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert_eq!((d.code, d.file.as_deref()), ("K015", Some("t.yaml")));
        assert!(d.message.contains("fieldSpecs is not expected to be nil"), "{}", d.message);
        let r = render(&[
            ("kustomization.yaml", "resources:\n- cm.yaml\ntransformers:\n- t.yaml\n"),
            ("cm.yaml", CM),
            (
                "t.yaml",
                "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: n\n  namespace: x\nsetRoleBindingSubjects: some\n",
            ),
        ]);
        let d = r.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert!(
            d.message.contains("invalid value \"some\" for setRoleBindingSubjects"),
            "{}",
            d.message
        );
        let r = render(&[
            ("kustomization.yaml", "transformers:\n- t.yaml\n"),
            ("t.yaml", "apiVersion: builtin\nkind: FrobTransformer\nmetadata:\n  name: f\n"),
        ]);
        assert!(r.diagnostics[0].message.contains("unable to load builtin FrobTransformer"));
    }

    #[test]
    fn unknown_fields_of_a_builtin_configuration_are_ignored() {
        // `sigs.k8s.io/yaml.Unmarshal` is not strict.
        let r = render(&[
            ("kustomization.yaml", "resources:\n- cm.yaml\ntransformers:\n- t.yaml\n"),
            ("cm.yaml", CM),
            (
                "t.yaml",
                "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nLabels:\n  a: b\nsomething: else\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
            ),
        ]);
        assert!(r.ok(), "{:#?}", r.diagnostics);
        assert!(r.yaml.contains("labels:\n    a: b\n"), "{}", r.yaml);
    }
}
