//! The registry of diagnostic codes.
//!
//! A code is a promise to users: it never changes meaning, so editors and CI filters can rely
//! on it. Each code has a default severity and a one-line title; `docs/diagnostics.md` lists
//! them all and a test keeps that page in step with this table. Codes are grouped by letter:
//! `T` repository tree and paths, `Y` YAML, `K` Kustomize, `P` pipeline (`baton.yaml`),
//! `R` promotion, `G` gates and CODEOWNERS, `F` Flux image automation, `X` Argo Rollouts,
//! `A` Argo CD `ApplicationSets`.
//! `D` deployments (Flux Kustomizations and Argo CD Applications: what each cluster applies).

use super::Severity;

macro_rules! registry {
    ($( $variant:ident = $code:literal, $severity:ident, $title:literal; )*) => {
        /// A stable diagnostic code.
        #[allow(clippy::doc_markdown)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( #[doc = $title] $variant, )*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as users see it, e.g. `K003`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity diagnostics with this code have unless a caller says otherwise.
            #[must_use]
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line saying what the code means.
            #[must_use]
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// Looks a code up by its string form.
            #[must_use]
            pub fn parse(code: &str) -> Option<Code> {
                match code { $($code => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

registry! {
    // Repository tree and paths.
    PathEscapesRoot = "T001", Error, "A path leaves the repository root";
    FileNotFound = "T002", Error, "A referenced file or directory does not exist";
    InvalidUtf8 = "T003", Error, "A file is not valid UTF-8 text";
    FileTooLarge = "T004", Error, "A file is larger than the engine reads";
    // Reading a repository from disk (hosts that read one: the CLI). Each names an entry the
    // host left out, so that nothing is dropped silently.
    LinkLeavesRepository = "T005", Error, "A symbolic link points outside the repository; it is not read";
    NameNotUtf8 = "T006", Warning, "A file or directory name is not UTF-8; it is not read";
    EntryUnreadable = "T007", Error, "A file or directory cannot be read (permissions, I/O error)";
    LinkLoop = "T008", Warning, "A symbolic link leads in a loop (to itself or to a directory containing it); it is not followed";
    NotAFile = "T009", Warning, "An entry is a broken link or not a regular file (FIFO, socket, device); it is not read";

    // YAML.
    YamlSyntax = "Y001", Error, "YAML syntax error";
    YamlTooDeep = "Y002", Error, "YAML nesting is deeper than the limit";
    YamlTooManyNodes = "Y003", Error, "YAML expands to more nodes than the limit (alias bomb?)";
    YamlDuplicateKey = "Y004", Error, "A mapping key appears twice";
    YamlUnsupported = "Y005", Error, "A YAML value has no JSON form (kustomize cannot emit it)";
    YamlLaxIndentation = "Y006", Warning, "A quoted scalar or flow collection continues at its key's indentation (go-yaml reads it; YAML 1.2 does not)";

    // Pipeline (baton.yaml).
    PipelineInvalid = "P001", Error, "baton.yaml is not a valid Pipeline";
    PipelineDuplicateEnvironment = "P002", Error, "An environment is declared twice";
    PipelineUnknownEnvironment = "P003", Error, "`from` names an environment that is not declared";
    PipelineCycle = "P004", Error, "Environments promote from each other in a cycle";
    PipelineEnvironmentUnused = "P005", Warning, "A declared environment exists in no app";
    PipelineNoApps = "P006", Warning, "The app globs match no directory";
    PipelineAppNameShared = "P007", Warning, "Several apps have the same name; each is named by its path";
    // Preview environments (`spec.previews` of baton.yaml, planPreview, planPreviewCleanup).
    PreviewConfigInvalid = "P010", Error, "A `previews` setting cannot make valid previews (placeholder, name, path, app)";
    PreviewPathEscapes = "P011", Error, "A preview path leaves its app's directory or the repository, or takes an environment's place";
    PreviewRequestInvalid = "P012", Error, "A preview request is invalid (app, PR number, sha, tag, branch, times)";
    PreviewBaseMissing = "P013", Error, "The overlay a preview builds on is missing or does not render";
    PreviewImageUnknown = "P014", Error, "Which image the pull request builds cannot be told from the render";
    PreviewExists = "P015", Info, "The preview exists: only its image tag is updated, its other content is kept";
    PreviewUnknownEntry = "P016", Warning, "A directory under a preview root matches no pull request's preview path";
    PreviewAppSetMismatch = "P017", Warning, "A pull-request ApplicationSet deploys a path no preview is written to";
    PreviewNameAdjusted = "P018", Info, "A branch name was shortened or had characters replaced to make a valid name";
    PreviewUnverified = "P019", Error, "The planned preview does not render, or does not run the pull request's image";

    // Promotion.
    UnknownApp = "R001", Error, "The promotion names an app that does not exist";
    UnknownEnvironment = "R002", Error, "The promotion names an environment the app does not have";
    NoSourceEnvironment = "R003", Error, "The target environment has no environment to promote from";
    EditImpossible = "R004", Error, "The value to change cannot be edited in place";
    PromotionConflict = "R005", Error, "Two containers need different values in one place";
    ImageNameDiffers = "R006", Warning, "Source and target run different images; not promoted";
    PromotionUnverified = "R007", Error, "Applying the planned edits does not render the promoted images";
    OverlayDoesNotRender = "R008", Error, "An environment's overlay does not render";
    CollateralChange = "R009", Warning, "A change alters rendered resources it did not declare";
    ChangeBreaksRender = "R010", Error, "Applying a change makes an overlay fail to render";
    PromotionDowngrade = "R011", Warning, "The promotion moves a container to an older version";
    AmbiguousApp = "R012", Error, "Several apps have the name a request gives; name the app by its path";
    WorkLimit = "R013", Error, "An operation stopped at its work limit; its result is incomplete";

    // Kustomize.
    KustomizationMissing = "K001", Error, "A directory used as a kustomization has no kustomization file";
    KustomizationInvalid = "K002", Error, "A kustomization file cannot be read as a Kustomization";
    ResourceNotFound = "K003", Error, "A resource, patch or generator input does not exist";
    KustomizationCycle = "K004", Error, "Kustomizations include each other in a cycle";
    RemoteNotFetched = "K005", Error, "A remote base or resource is not fetched offline";
    DuplicateResource = "K006", Error, "Two resources have the same group, kind, namespace and name";
    LoadRestriction = "K007", Error, "A file outside the kustomization's directory is referenced";
    UnsupportedField = "K008", Error, "A kustomization field needs plugins, Helm or the network";
    MultipleKustomizations = "K009", Error, "A directory holds more than one kustomization file";
    ResourceInvalid = "K010", Error, "A resource is not a Kubernetes object kustomize accepts";
    PatchInvalid = "K011", Error, "A patch cannot be read or applied";
    PatchNoMatch = "K012", Warning, "A patch or transformer target matches no resource";
    GeneratorInvalid = "K013", Error, "A ConfigMap or Secret generator is invalid";
    ReplacementInvalid = "K014", Error, "A replacement or var cannot be resolved";
    TransformerInvalid = "K015", Error, "A transformer field is invalid";
    DeprecatedField = "K016", Warning, "A kustomization field is deprecated (kustomize warns about it)";
    RenderLimit = "K017", Error, "Rendering exceeded a size limit";
    PatchTargetMissing = "K020", Error, "A patch names a resource that does not exist";
    GeneratorSuspicious = "K018", Warning, "A generator input is accepted but is probably not what was meant";
    NameReferenceAmbiguous = "K019", Error, "A name reference could refer to more than one resource";
    VarUnused = "K021", Warning, "A var is declared but no field uses it";
    OpenApiInvalid = "K022", Error, "An openapi version or custom schema file cannot be used as kustomize would";
    OpenApiScopeUnsupported = "K023", Error, "A custom OpenAPI schema makes a custom resource cluster-scoped, which Baton does not apply";
    ImageEntryNoMatch = "K050", Warning, "An `images` entry matches no image of its render (kustomize leaves every image unchanged)";

    // Gates and CODEOWNERS.
    CodeOwnersInvalid = "G001", Warning, "A CODEOWNERS line is invalid";
    CodeOwnersTooLarge = "G002", Warning, "A CODEOWNERS file is over GitHub's 3 MB limit and is ignored";
    GateInvalid = "G003", Error, "A gate in baton.yaml is misconfigured";
    CodeOwnersMissing = "G004", Error, "A gate needs CODEOWNERS but the repository has none";
    ContextInvalid = "G005", Error, "The promotion context (approvals, checks, times) is invalid";

    // Flux image automation (ImageRepository, ImagePolicy, ImageUpdateAutomation, markers).
    FluxObjectInvalid = "F001", Error, "An image automation object has a field of the wrong type";
    PolicyRangeInvalid = "F002", Error, "An ImagePolicy's semver range does not parse (Flux stalls the policy)";
    PolicyOrderInvalid = "F003", Error, "An ImagePolicy's order is neither asc nor desc (Flux stalls the policy)";
    PolicyRegexInvalid = "F004", Error, "A filterTags pattern or exclusionList entry is not a valid Go regular expression";
    PolicyRegexUnsupported = "F005", Error, "A Go regular expression uses syntax Baton cannot evaluate the same way";
    PolicyKindMissing = "F006", Error, "An ImagePolicy sets none of semver, alphabetical or numerical";
    ImageRepositoryMissing = "F007", Error, "An ImagePolicy's imageRepositoryRef names no ImageRepository in the repository";
    MarkerUnknownPolicy = "F008", Error, "A setter marker names an ImagePolicy that does not exist (Flux ignores it silently)";
    MarkerNotOnScalar = "F009", Warning, "A setter marker is not on a scalar value (Flux ignores it)";
    MarkerMalformed = "F010", Warning, "A comment mentions $imagepolicy but is not a marker Flux reads";
    MarkerOutOfScope = "F011", Warning, "A setter marker names a policy no ImageUpdateAutomation applies here";
    PolicyElectsNothing = "F012", Warning, "An ImagePolicy elects no tag from the given tags";
    FileSkippedByFlux = "F013", Warning, "A file with markers is skipped by Flux (it does not read as YAML objects)";
    AutomationInvalid = "F014", Error, "An ImageUpdateAutomation cannot run (update strategy, path or policy selector)";
    SetterWritesTag = "F015", Warning, "Flux would write this value with an explicit YAML tag (the old value was not a string)";
    SetterNotEditable = "F016", Warning, "A marked value cannot be edited in place (block scalar)";
    PolicyChoiceAmbiguous = "F017", Info, "An ImagePolicy sets more than one policy kind; Flux uses the first of semver, alphabetical, numerical";
    ImageUpdateInputInvalid = "F018", Error, "The image update input (tags, digests, pins) is invalid";
    FluxObjectDuplicate = "F019", Error, "Two image automation objects have the same kind, namespace and name";
    NoImageUpdateAutomation = "F020", Info, "Markers exist but no ImageUpdateAutomation updates them";
    MarkerInListFile = "F021", Warning, "A marker is inside a `kind: List` file, which Flux unwraps and writes elsewhere";
    ImageUpdateNoRenderedChange = "F022", Warning, "An image update edits a file but no render that reads it changes (another value overrides the marked one)";
    ImageUpdateUnverified = "F023", Error, "An image update's edits could not be verified by rendering";
    MessageTemplateInvalid = "F024", Error, "An ImageUpdateAutomation's messageTemplate does not parse as a Go template";
    MessageTemplateFails = "F025", Error, "An ImageUpdateAutomation's messageTemplate fails on the update's data (Flux stalls)";
    MessageTemplateLegacy = "F026", Warning, "A v1beta1 messageTemplate uses `.Updated`, which newer API versions removed";
    // Argo Rollouts.
    RolloutInvalid = "X001", Error, "A Rollout breaks a rule of kubectl argo rollouts lint (the controller marks it InvalidSpec)";
    RolloutUndecodable = "X002", Error, "A Rollout field is unknown or has the wrong type (lint refuses the file)";
    RolloutReferenceMissing = "X003", Warning, "An object a Rollout needs (Service, AnalysisTemplate, ClusterAnalysisTemplate, workload) is not in the render";
    RolloutReferenceInvalid = "X004", Error, "An object a Rollout uses would be rejected by the controller";
    RolloutNotFound = "X005", Error, "simulateRollout names no Rollout or Deployment of the render";
    RolloutSimulationLimit = "X006", Warning, "An update has more states than the simulation lists";
    RolloutNotSimulated = "X007", Warning, "A workload's update cannot be simulated";
    // Argo CD ApplicationSets.
    AppSetInvalid = "A001", Error, "An ApplicationSet field has the wrong type or a required field is missing (the API server refuses it)";
    AppSetUnknownField = "A002", Warning, "An ApplicationSet field is not in the CRD (the API server drops it)";
    AppSetGeneratorEmpty = "A003", Error, "A generator entry names no generator Argo CD knows (it generates nothing)";
    AppSetNeedsService = "A004", Warning, "A generator needs a live service (SCM provider, cluster decision resource, plugin); not expanded offline";
    AppSetInputMissing = "A005", Info, "A generator reads the cluster or pull-request list, which the host did not give";
    AppSetGeneratorError = "A006", Error, "A generator fails: the controller generates no Application from the ApplicationSet";
    AppSetTemplateError = "A007", Error, "A template or templatePatch fails to render: the controller generates no Application from the ApplicationSet";
    AppSetOtherRepository = "A008", Warning, "A git generator reads another repository; it is not expanded offline";
    AppSetPatternMatchesNothing = "A009", Warning, "A git generator path matches no directory or file of the repository";
    AppSetNameEmpty = "A010", Error, "A generated Application has no name (the controller skips it)";
    AppSetNameDuplicate = "A011", Error, "Generated Applications share a name (the controller skips every one of them)";
    AppSetNameInvalid = "A012", Error, "A generated Application's name is not a valid Kubernetes object name";
    AppSetUnresolvedParameter = "A013", Warning, "A generated Application keeps a parameter unresolved (`{{name}}` left as is, or `<no value>`)";
    AppSetPathMissing = "A014", Error, "A generated Application's source path does not exist in the repository";
    AppSetPathFails = "A015", Error, "A generated Application's source path does not render";
    AppSetSourceNotRendered = "A016", Info, "A generated Application's source is a Helm chart, a plain directory or needs the network; listed, not rendered";
    AppSetLimit = "A017", Error, "An ApplicationSet's expansion exceeds Baton's limits (applications, template work)";
    AppSetNestingDropped = "A018", Warning, "A generator nested deeper than Argo CD reads is dropped (the level above generates nothing)";
    AppSetDuplicate = "A019", Error, "Two ApplicationSets have the same namespace and name";
    AppSetNotApproximated = "A020", Warning, "A value depends on behaviour Baton does not reproduce exactly (transliteration, Go map order)";
    // Deployments: Flux Kustomizations and Argo CD Applications, rendered as their controllers do.
    DeploymentObjectInvalid = "D001", Error, "A Flux Kustomization, Flux source or Argo CD Application has a field of the wrong type (the API server rejects it)";
    DeploymentDuplicate = "D002", Error, "Two deployment objects have the same kind, namespace and name";
    DeploymentNotFound = "D003", Error, "renderDeployment names no Flux Kustomization or Argo CD Application of the repository";
    DeploymentPathMissing = "D004", Error, "A deployment's path does not exist in the repository";
    DeploymentDoesNotRender = "D005", Error, "A deployment does not render with its controller's overrides";
    SourceRefMissing = "D006", Error, "A Flux sourceRef names a source that no file of the repository defines";
    SourceExternal = "D007", Info, "A deployment's source is another repository or an artifact: listed, not rendered";
    SubstituteVariableUnset = "D008", Warning, "A ${VAR} has no value and no default: Flux substitutes an empty string (an error under StrictPostBuildSubstitutions)";
    SubstituteSyntax = "D009", Error, "A ${ expression is malformed: Flux's variable substitution fails";
    SubstituteFromMissing = "D010", Warning, "A postBuild.substituteFrom ConfigMap or Secret is not in the repository";
    SubstituteNameInvalid = "D011", Error, "A substitution variable name is not an identifier: Flux fails the build";
    SubstituteLimit = "D012", Error, "Variable substitution expands beyond the engine's limits";
    SubstituteBreaksResource = "D013", Error, "After variable substitution a resource no longer reads as a Kubernetes object";
    SubstituteValueUnknown = "D014", Warning, "A substituteFrom Secret is encrypted or undecodable: its values are unknown offline";
    OverrideMatchesNothing = "D015", Warning, "A deployment override (image, replicas, common metadata) changes nothing in the render";
    DependsOnMissing = "D016", Warning, "dependsOn names a Flux Kustomization that no file of the repository defines";
    DependsOnCycle = "D017", Error, "Flux Kustomizations depend on each other in a cycle";
    DeploymentNotRendered = "D018", Info, "A deployment Baton lists but does not render (Helm, plugin or directory source)";
    DeploymentUnsupported = "D019", Error, "A deployment uses a controller feature Baton cannot reproduce exactly (decryption, build metadata, globs)";
    OverlayNotDeployed = "D020", Warning, "An environment's overlay is deployed by no Flux Kustomization or Argo CD Application";
    ArgoOverrideInvalid = "D021", Error, "An Argo CD kustomize override Argo CD refuses (image, replicas, label, namespace, missing kustomization)";
    ArgoValueUnknown = "D022", Warning, "An Argo CD override uses a build variable Baton cannot know offline (the revision)";
    DeploymentSuspended = "D023", Info, "A Flux Kustomization is suspended: its cluster does not apply changes";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {}", code.as_str());
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(!code.title().is_empty());
        }
    }

    #[test]
    fn every_code_is_documented() {
        let page = include_str!("../../../docs/diagnostics.md");
        for &code in Code::ALL {
            let row = format!(
                "| `{}` | {} | {} |",
                code.as_str(),
                code.severity().as_str(),
                code.title()
            );
            assert!(page.contains(&row), "docs/diagnostics.md lacks the row:\n{row}");
        }
    }
}
