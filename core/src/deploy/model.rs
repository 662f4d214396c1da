//! Which cluster applies which deployment, discovered as the clusters discover them.
//!
//! A Flux cluster starts from the Kustomization flux bootstrap points at its directory
//! (`clusters/<name>/`, path `./clusters/<name>`), applies what that renders, and so on: the
//! Kustomizations a cluster runs are those in the renders of the Kustomizations it runs, as
//! rendered (a parent's patches, name prefix or substitution reach its children). So for
//! each `clusters/<name>/` directory this walks from its roots (the Kustomizations there
//! whose path is that directory, else all of them) through the renders, breadth first, each
//! `namespace/name` once per cluster. Clusters commonly share names (`flux-system/apps` in
//! every cluster), so a Flux deployment's id carries its cluster: `flux:ns/name@cluster`.
//! Kustomizations no cluster reaches are listed on their own (no cluster), from their files;
//! Argo CD Applications are read from their files, their cluster being their destination.
//!
//! A child's render depends on its parent's (the object comes from it): its cached render
//! keeps the parent's read set with its own, so an edit to a patch the parent applies to it
//! drops it too.

use std::sync::Arc;

use super::objects::{Application, FileObjects, FluxKustomization, Objects, read_object};
use super::{
    Cluster, Deployment, DeploymentRender, argo_deployment, finish, flux_deployment, render_argo,
    render_flux,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::repo::Repo;
use crate::source::ReadSet;
use crate::vecmap::VecSet;

/// Most deployments one cluster's walk discovers (a bound for hostile repositories).
pub const MAX_PER_CLUSTER: usize = 2000;

/// The object a deployment renders from.
#[derive(Debug, Clone)]
pub enum Object {
    Flux(Box<FluxKustomization>),
    Argo(Box<Application>),
}

/// One deployment, its object and what reading the object consulted.
#[derive(Debug, Clone)]
pub struct Entry {
    pub deployment: Deployment,
    pub object: Object,
    /// The object's file, or the read set of the render it came from.
    pub object_reads: ReadSet,
}

/// Every deployment, and the problems of the model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files the clusters' renders read without applying them as resources: patches and
    /// other inputs (a partial Kustomization in a patch is not an object of its own).
    pub inputs: VecSet<String>,
}

/// `clusters/<name>/…` → `name`.
#[must_use]
pub fn cluster_dir(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("clusters/")?;
    rest.split_once('/').map(|(name, _)| name)
}

/// Builds the model: each cluster's walk, then the Kustomizations no cluster reaches, then
/// the Applications.
pub fn build(repo: &mut Repo, objects: &Objects) -> Model {
    let mut model = Model::default();
    let mut reached: Vec<(String, String, String)> = Vec::new();
    let mut clusters: Vec<&str> =
        objects.kustomizations.iter().filter_map(|k| cluster_dir(&k.site.file)).collect();
    crate::sort::sort(&mut clusters);
    clusters.dedup();
    for cluster in clusters {
        walk(repo, objects, cluster, &mut model, &mut reached);
    }
    model.inputs = inputs(repo, &model.entries);
    for k in &objects.kustomizations {
        let key = (k.site.file.to_string(), k.namespace.clone(), k.name.clone());
        if reached.contains(&key) || model.inputs.contains(&*k.site.file) {
            continue;
        }
        model.entries.push(Entry {
            deployment: flux_deployment(objects, k, None),
            object: Object::Flux(Box::new(k.clone())),
            object_reads: file_reads(&k.site.file),
        });
    }
    for app in &objects.applications {
        model.entries.push(Entry {
            deployment: argo_deployment(repo, app),
            object: Object::Argo(Box::new(app.clone())),
            object_reads: file_reads(&app.site.file),
        });
    }
    crate::sort::sort_by(&mut model.entries, |a, b| a.deployment.id.cmp(&b.deployment.id));
    model.diagnostics.extend(check_dependencies(&model.entries));
    model
}

fn file_reads(file: &str) -> ReadSet {
    let mut reads = ReadSet::default();
    reads.files.insert(file.to_string());
    reads
}

/// The files the walked renders read but applied nothing from.
fn inputs(repo: &mut Repo, entries: &[Entry]) -> VecSet<String> {
    let mut read = VecSet::new();
    let mut applied = VecSet::new();
    for entry in entries {
        if let Some((rendered, reads)) = repo.deploy_cache().renders.get(&entry.deployment.id) {
            read.extend(reads.files.iter().cloned());
            applied.extend(rendered.resources.iter().map(|r| r.file.clone()));
        }
    }
    read.into_vec().into_iter().filter(|f| !applied.contains(f)).collect()
}

/// One cluster's walk from its roots through the renders.
fn walk(
    repo: &mut Repo,
    objects: &Objects,
    cluster: &str,
    model: &mut Model,
    reached: &mut Vec<(String, String, String)>,
) {
    let own: Vec<&FluxKustomization> = objects
        .kustomizations
        .iter()
        .filter(|k| cluster_dir(&k.site.file) == Some(cluster))
        .collect();
    let root_dir = format!("clusters/{cluster}");
    let bootstrap: Vec<&FluxKustomization> = own
        .iter()
        .copied()
        .filter(|k| {
            k.path.as_ref().is_some_and(|p| crate::tree::join_clamped(&p.value) == root_dir)
        })
        .collect();
    let roots = if bootstrap.is_empty() { own } else { bootstrap };
    // Each with the id of the Kustomization whose render applies it (none for the roots).
    let mut queue: Vec<(FluxKustomization, ReadSet, Option<String>)> =
        roots.into_iter().map(|k| (k.clone(), file_reads(&k.site.file), None)).collect();
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut next = 0;
    while let Some((k, object_reads, parent)) = queue.get(next).cloned() {
        next += 1;
        let name = (k.namespace.clone(), k.name.clone());
        if seen.contains(&name) {
            continue;
        }
        if seen.len() >= MAX_PER_CLUSTER {
            model.diagnostics.push(
                Diagnostic::new(
                    Code::SubstituteLimit,
                    format!("cluster {cluster} applies more than {MAX_PER_CLUSTER} Flux Kustomizations; the rest are not listed"),
                )
                .at(k.site.file.to_string(), k.site.span),
            );
            break;
        }
        seen.push(name);
        reached.push((k.site.file.to_string(), k.namespace.clone(), k.name.clone()));
        let mut deployment = flux_deployment(objects, &k, Some(cluster));
        deployment.applied_by = parent;
        let entry = Entry { deployment, object: Object::Flux(Box::new(k)), object_reads };
        let rendered = render(repo, objects, &entry);
        let reads = repo
            .deploy_cache()
            .renders
            .get(&entry.deployment.id)
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        for resource in &rendered.resources {
            if !resource.api_version.starts_with(super::objects::KUSTOMIZE_GROUP)
                || resource.kind != "Kustomization"
            {
                continue;
            }
            let mut found = FileObjects::default();
            read_object(&Arc::from(resource.file.as_str()), &resource.node, &mut found);
            for child in found.kustomizations {
                // The file it was written in counts as reached, by the name written there.
                reached.push((
                    resource.file.clone(),
                    child.namespace.clone(),
                    resource.original_name.clone(),
                ));
                reached.push((resource.file.clone(), child.namespace.clone(), child.name.clone()));
                queue.push((child, reads.clone(), Some(entry.deployment.id.clone())));
            }
        }
        model.entries.push(entry);
    }
}

/// The render of an entry, from the cache or made now.
pub fn render(repo: &mut Repo, objects: &Objects, entry: &Entry) -> Arc<DeploymentRender> {
    let id = &entry.deployment.id;
    if let Object::Argo(app) = &entry.object
        && app.app_set.is_some()
    {
        let cache = repo.deploy_cache();
        if cache.generated.get(id) != Some(&**app) {
            cache.renders.remove(id);
            cache.generated.insert(id.clone(), (**app).clone());
        }
    }
    if let Some((rendered, _)) = repo.deploy_cache().renders.get(id) {
        return rendered.clone();
    }
    if repo.meter().exhausted() {
        // Past the work limit nothing more is rendered (and nothing partial is cached).
        let diagnostic = repo.meter().exhausted_diagnostic(&format!("rendering {id}"));
        return Arc::new(DeploymentRender {
            deployment: Some(entry.deployment.clone()),
            diagnostics: vec![diagnostic],
            ..DeploymentRender::default()
        });
    }
    let mut out = DeploymentRender {
        deployment: Some(entry.deployment.clone()),
        ..DeploymentRender::default()
    };
    let (rendered, mut reads) = match &entry.object {
        Object::Flux(k) => {
            let (rendered, reads) = render_flux(repo, objects, k, &mut out);
            finish(&mut out, rendered, None);
            (out, reads)
        }
        Object::Argo(app) => {
            let (rendered, reads) = render_argo(repo, app, &mut out);
            finish(&mut out, rendered, app.destination_namespace.as_deref());
            (out, reads)
        }
    };
    reads.extend(&entry.object_reads);
    let mut rendered = rendered;
    repo.locate(&mut rendered.diagnostics);
    crate::diagnostic::sort(&mut rendered.diagnostics);
    rendered.diagnostics.dedup();
    let bytes = rendered.yaml.len() as u64;
    repo.meter().spend(1 + bytes / 64);
    let rendered = Arc::new(rendered);
    reads.shrink_to_fit();
    repo.deploy_cache().renders.insert(id.clone(), (rendered.clone(), reads));
    rendered
}

/// D016 for a dependency the deployment's cluster does not run, D017 for each deployment on
/// a cycle (one that depends on itself through `dependsOn`; one that only waits on a cycle is
/// not on it). Linear-logarithmic in the deployments and their dependencies.
fn check_dependencies(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let index = first_index(entries.iter().map(|e| e.deployment.id.as_str()));
    let mut edges: Vec<Vec<usize>> = Vec::with_capacity(entries.len());
    for entry in entries {
        let mut to = Vec::new();
        for id in &entry.deployment.depends_on {
            if let Some(&j) = index.get(id.as_str()) {
                to.push(j);
            }
        }
        edges.push(to);
        let Object::Flux(k) = &entry.object else { continue };
        for (dep, id) in k.depends_on.iter().zip(&entry.deployment.depends_on) {
            if !index.contains_key(id.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::DependsOnMissing,
                        format!(
                            "dependsOn {}/{}: no Flux Kustomization of that name is applied alongside {}; Flux waits for it forever",
                            dep.namespace, dep.name, entry.deployment.id
                        ),
                    )
                    .at(dep.origin.file.as_deref().unwrap_or(&k.site.file).to_string(), dep.origin.span),
                );
            }
        }
    }
    let cyclic = on_cycle(&edges);
    for (entry, cyclic) in entries.iter().zip(cyclic) {
        if !cyclic {
            continue;
        }
        let start = &entry.deployment;
        let origin = match &entry.object {
            Object::Flux(k) => k.depends_on.first().map(|d| d.origin.clone()),
            Object::Argo(_) => None,
        };
        let d = Diagnostic::new(
            Code::DependsOnCycle,
            format!(
                "{} depends on itself through dependsOn; Flux never reconciles it",
                super::describe(start)
            ),
        );
        out.push(match origin {
            Some(o) => d.at(o.file.as_deref().unwrap_or(&start.file).to_string(), o.span),
            None => d.at(start.file.clone(), start.span),
        });
    }
    out
}

/// Id → position of the first item with it (a `StrMap`: the B-tree every large map shares).
fn first_index<'a>(ids: impl Iterator<Item = &'a str>) -> crate::strmap::StrMap<usize> {
    let mut index = crate::strmap::StrMap::new();
    for (i, id) in ids.enumerate() {
        if !index.contains_key(id) {
            index.insert(id.to_string(), i);
        }
    }
    index
}

/// Which nodes of a directed graph lie on a cycle: the members of a strongly connected
/// component of two or more, and nodes with an edge to themselves (Tarjan's algorithm, with
/// an explicit stack so that a long chain cannot exhaust the call stack).
pub(super) fn on_cycle(edges: &[Vec<usize>]) -> Vec<bool> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut result = vec![false; n];
    let mut next = 0usize;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(v, i)) = calls.last() {
            if let Some(&w) = edges[v].get(i) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                let mut members = 0usize;
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members += 1;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if members > 1 {
                    for w in component {
                        result[w] = true;
                    }
                }
            }
        }
    }
    for (v, to) in edges.iter().enumerate() {
        if to.contains(&v) {
            result[v] = true;
        }
    }
    result
}

/// Clusters by name, each with its deployments in apply order (a Kustomization after the one
/// whose render applies it and after its `dependsOn`, else by id; the members of
/// a cycle last).
#[must_use]
pub fn clusters(deployments: &[Deployment]) -> Vec<Cluster> {
    let mut names: Vec<String> = deployments.iter().filter_map(|d| d.cluster.clone()).collect();
    crate::sort::sort(&mut names);
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let members: Vec<&Deployment> =
            deployments.iter().filter(|d| d.cluster.as_deref() == Some(name.as_str())).collect();
        // Kahn's algorithm, always taking the first ready member in `members` order: the
        // order of picking the first ready one again and again, in linear-logarithmic time
        // (a cluster of thousands of Kustomizations must not take cubic time).
        let index = first_index(members.iter().map(|d| d.id.as_str()));
        let mut waiting = vec![0usize; members.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
        for (i, d) in members.iter().enumerate() {
            // Its dependencies, and the Kustomization that applies it (its object exists only
            // once that one is applied).
            let mut deps: Vec<usize> = d
                .depends_on
                .iter()
                .chain(d.applied_by.as_ref())
                .filter_map(|dep| index.get(dep.as_str()).copied())
                .collect();
            deps.sort_unstable();
            deps.dedup();
            waiting[i] = deps.len();
            for dep in deps {
                dependents[dep].push(i);
            }
        }
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> =
            (0..members.len()).filter(|&i| waiting[i] == 0).map(std::cmp::Reverse).collect();
        let mut placed = vec![false; members.len()];
        let mut ordered: Vec<String> = Vec::with_capacity(members.len());
        // An id given twice (D002) is listed once, where its first member goes.
        let first = |i: usize| index.get(&members[i].id) == Some(&i);
        while let Some(std::cmp::Reverse(i)) = ready.pop() {
            placed[i] = true;
            if first(i) {
                ordered.push(members[i].id.clone());
            }
            for &next in &dependents[i] {
                waiting[next] -= 1;
                if waiting[next] == 0 {
                    ready.push(std::cmp::Reverse(next));
                }
            }
        }
        // The members of a cycle (and what waits on one), last.
        for i in 0..members.len() {
            if !placed[i] && first(i) {
                ordered.push(members[i].id.clone());
            }
        }
        out.push(Cluster { name, deployments: ordered });
    }
    out
}
