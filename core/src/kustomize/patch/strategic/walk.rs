//! kyaml's `walk.Walker` with `merge2.Merger` as its visitor, with the options kustomize's
//! `patchstrategicmerge` filter passes (list elements from the patch go first:
//! `ListIncreaseDirection: MergeOptionsListPrepend`; no inference of merge keys).
//!
//! A walk has two sources, the target (`dest`) and the patch (`origin`), and returns the node
//! that takes the target's place, or `None` to remove it. Maps are walked field by field in
//! sorted order; lists whose schema says `merge` are walked element by element, matched by
//! their merge keys; everything else is replaced by the patch's value. The functions keep
//! the Go names (in their docs) so each can be checked against the upstream source.

use super::arena::{Arena, Id, Kind};
use super::filters::{
    Directive, NewKey, append_list_node, element_list, element_values_list, set_element, set_field,
    take_directive,
};
use crate::kustomize::patch::PatchError;
use crate::kustomize::patch::schema::{At, OpenApi};

/// `walk.Sources`: `[dest, origin]`.
type Sources = [Option<Id>; 2];

const DEST: usize = 0;
const ORIGIN: usize = 1;

/// Deepest nesting walked (see `arena::MAX_DEPTH`).
const MAX_DEPTH: usize = 256;

pub struct Walker<'a> {
    pub arena: &'a mut Arena,
    /// The schema of this render (kyaml's global schema).
    pub openapi: &'a OpenApi,
}

impl Walker<'_> {
    /// `Walker.Walk`.
    pub fn walk(
        &mut self,
        mut sources: Sources,
        schema: Option<At>,
        depth: usize,
    ) -> Result<Option<Id>, PatchError> {
        if depth > MAX_DEPTH {
            let at = sources
                .iter()
                .flatten()
                .next()
                .map(|&id| self.arena.get(id).origin.clone())
                .unwrap_or_default();
            return Err(PatchError::new("patch nests too deeply").at(&at));
        }
        let schema = self.schema(schema, &sources);
        let Some(kind) = self.kind(&sources) else {
            return self.walk_map(&mut sources, schema, depth);
        };
        for source in sources {
            self.arena.check_kind(source, kind)?;
        }
        match kind {
            Kind::Map => self.walk_map(&mut sources, schema, depth),
            Kind::Seq => {
                // `schema.IsAssociative`: kyaml reads (and asserts) the extensions of every
                // list that has a schema.
                let keys = schema.map(|s| self.openapi.merge_keys(s)).transpose()?.flatten();
                match keys {
                    Some(keys) => {
                        self.walk_associative_sequence(&mut sources, schema, &keys, depth)
                    }
                    None => self.visit_list(&sources, false),
                }
            }
            Kind::Scalar => Ok(self.visit_scalar(&sources)),
        }
    }

    /// `Walker.Kind`: the kind of the first source that is neither missing nor null.
    fn kind(&self, sources: &Sources) -> Option<Kind> {
        sources
            .iter()
            .find(|s| !self.arena.missing_or_null(**s))
            .and_then(|s| s.map(|id| self.arena.get(id).kind))
    }

    /// `Walker.GetSchema`: the schema handed down, or else the one of the first source that
    /// names a known `apiVersion` and `kind` (a typed object nested in an untyped one).
    fn schema(&self, schema: Option<At>, sources: &Sources) -> Option<At> {
        if schema.is_some() {
            return schema;
        }
        for &source in sources {
            if self.arena.missing_or_null(source) {
                continue;
            }
            let meta = |field| {
                let value = self.arena.field_value(source, field);
                if self.arena.nil_or_empty(value) { "" } else { self.arena.value(value) }
            };
            let (api_version, kind) = (meta("apiVersion"), meta("kind"));
            if api_version.is_empty() || kind.is_empty() {
                continue;
            }
            if let Some(found) = self.openapi.for_type(api_version, kind) {
                return Some(found);
            }
        }
        None
    }

    /// `Walker.walkMap`.
    fn walk_map(
        &mut self,
        sources: &mut Sources,
        schema: Option<At>,
        depth: usize,
    ) -> Result<Option<Id>, PatchError> {
        let Some(dest) = self.visit_map(sources)? else { return Ok(None) };
        sources[DEST] = Some(dest);
        for key in self.field_names(sources) {
            let field_schema = schema.map(|s| self.openapi.field(s, &key)).transpose()?.flatten();
            let fields = sources.map(|s| self.arena.field(s, &key));
            let values = fields.map(|f| f.map(|(_, v)| v));
            let value = self.walk(values, field_schema, depth + 1)?;
            let new_key = self.new_key(&fields, value);
            set_field(self.arena, dest, &key, value, new_key);
        }
        Ok(Some(dest))
    }

    /// `Walker.fieldNames`: every key of every source, sorted and without repeats.
    fn field_names(&self, sources: &Sources) -> Vec<String> {
        let mut names: Vec<String> = sources
            .iter()
            .flatten()
            .flat_map(|&s| self.arena.field_names(s))
            .map(str::to_string)
            .collect();
        crate::sort::sort(&mut names);
        names.dedup();
        names
    }

    /// The key a new field gets: the key's style from the source whose value is the result
    /// (kyaml's `keyStyles[val]`; plain for a node made up by the walk), and our origin.
    fn new_key(&self, fields: &[Option<(Id, Id)>; 2], value: Option<Id>) -> NewKey {
        let from = fields.iter().flatten().find(|(_, v)| Some(*v) == value);
        let origin_key = fields[ORIGIN].or(fields[DEST]).map(|(k, _)| k);
        NewKey {
            style: from.map(|&(k, _)| self.arena.get(k).style).unwrap_or_default(),
            origin: from
                .map(|&(k, _)| k)
                .or(origin_key)
                .map(|k| self.arena.get(k).origin.clone())
                .unwrap_or_default(),
        }
    }

    /// `Merger.VisitMap`.
    fn visit_map(&mut self, sources: &Sources) -> Result<Option<Id>, PatchError> {
        self.set_style(sources);
        let [dest, origin] = *sources;
        if self.arena.missing_or_null(dest) {
            // Errors in the directive are ignored here; an unknown one stays in the map.
            if take_directive(self.arena, origin).ok() == Some(Directive::Delete) {
                return Ok(None);
            }
            if let (None, Some(d)) = (origin, dest)
                && !self.arena.text(d).is_empty()
            {
                return Ok(Some(self.persistent_null(d)));
            }
            return Ok(origin);
        }
        if self.arena.tagged_null(origin) {
            return Ok(None);
        }
        Ok(match take_directive(self.arena, origin)? {
            Directive::Delete => None,
            Directive::Replace => origin,
            Directive::Merge => dest,
        })
    }

    /// `yaml.MakePersistentNullNode`: the target's own `null` (or `~`), kept.
    fn persistent_null(&mut self, dest: Id) -> Id {
        let mut node = self.arena.get(dest).clone();
        node.keep = true;
        self.arena.add(node)
    }

    /// `Merger.VisitScalar`: the patch's value wins.
    fn visit_scalar(&mut self, sources: &Sources) -> Option<Id> {
        self.set_style(sources);
        sources[ORIGIN].or(sources[DEST])
    }

    /// `Merger.VisitList`.
    fn visit_list(
        &mut self,
        sources: &Sources,
        associative: bool,
    ) -> Result<Option<Id>, PatchError> {
        self.set_style(sources);
        let [dest, origin] = *sources;
        if !associative {
            return Ok(origin.or(dest));
        }
        if self.arena.missing_or_null(dest) {
            return Ok(origin);
        }
        if self.arena.tagged_null(origin) {
            return Ok(None);
        }
        Ok(match take_directive(self.arena, origin)? {
            Directive::Delete => None,
            Directive::Replace => origin,
            Directive::Merge => dest,
        })
    }

    /// `Merger.SetStyle`: an empty target collection takes the patch's style.
    fn set_style(&mut self, sources: &Sources) {
        let [Some(dest), Some(origin)] = *sources else { return };
        let d = self.arena.get(dest);
        if d.kind != Kind::Scalar && d.content.is_empty() {
            let style = self.arena.get(origin).style;
            self.arena.take_style(dest, style);
        }
    }

    /// `Walker.walkAssociativeSequence`.
    fn walk_associative_sequence(
        &mut self,
        sources: &mut Sources,
        schema: Option<At>,
        keys: &[String],
        depth: usize,
    ) -> Result<Option<Id>, PatchError> {
        let Some(dest) = self.visit_list(sources, true)? else { return Ok(None) };
        sources[DEST] = Some(dest);
        let values = self.element_values(sources, keys);
        // `setAssociativeSequenceElements` starts with `l.Schema.Elements()`.
        let element_schema = schema.map(|s| self.openapi.elements(s)).transpose()?.flatten();
        if !values.is_empty() || !keys.is_empty() {
            return self.set_associative_sequence_elements(
                sources,
                values,
                keys,
                dest,
                element_schema,
                depth,
            );
        }
        let primitives = self.element_primitive_values(sources);
        self.set_associative_sequence_elements(
            sources,
            primitives,
            &[String::new()],
            dest,
            element_schema,
            depth,
        )
    }

    /// `Walker.elementValues`: the key values of every element, patch first, without repeats.
    fn element_values(&self, sources: &Sources, keys: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for source in [sources[ORIGIN], sources[DEST]] {
            for values in element_values_list(self.arena, source, keys).unwrap_or_default() {
                if !values.is_empty() && !out.contains(&values) {
                    out.push(values);
                }
            }
        }
        out
    }

    /// `Walker.elementPrimitiveValues`: the texts of a list of scalars, patch first.
    fn element_primitive_values(&self, sources: &Sources) -> Vec<Vec<String>> {
        let mut seen: Vec<&str> = Vec::new();
        for source in [sources[ORIGIN], sources[DEST]].into_iter().flatten() {
            for &item in self.arena.content(source) {
                let text = self.arena.text(item);
                if !seen.contains(&text) {
                    seen.push(text);
                }
            }
        }
        seen.into_iter().map(|t| vec![t.to_string()]).collect()
    }

    /// `Walker.setAssociativeSequenceElements`: merges each keyed element, then lays out the
    /// result: the patch's elements in patch order, then the target's others in target order.
    fn set_associative_sequence_elements(
        &mut self,
        sources: &Sources,
        mut values_list: Vec<Vec<String>>,
        keys: &[String],
        dest: Id,
        element_schema: Option<At>,
        depth: usize,
    ) -> Result<Option<Id>, PatchError> {
        let items = self.arena.new_seq(self.arena.get(dest).origin.clone());
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        let mut valid_keys: Vec<String> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let (k, v) = validate_keys(&values_list, values, keys);
            valid_keys = k;
            let valid_values = v;
            let element_sources = self.element_value_list(sources, &valid_keys, &valid_values);
            let val = self.walk(element_sources, element_schema, depth + 1)?;
            if self.arena.empty_map(val) {
                set_element(self.arena, dest, None, &valid_keys, &valid_values)?;
                continue;
            }
            let Some(val) = val else { continue };
            for (key, value) in valid_keys.iter().zip(&valid_values) {
                if self.arena.field(Some(val), key).is_none() && !value.is_empty() {
                    self.set_key(val, key, value);
                }
            }
            set_element(self.arena, items, Some(val), &valid_keys, &valid_values)?;
        }
        if !values_list.is_empty() {
            append_list_node(self.arena, items, dest, &valid_keys)?;
            return Ok(Some(items));
        }
        Ok(if self.arena.missing_or_null(Some(dest)) { None } else { Some(dest) })
    }

    /// `val.Pipe(yaml.SetField(key, yaml.NewScalarRNode(value)))`; with an empty key (a list
    /// of scalars) this rewrites the scalar itself as an untagged node with its text.
    fn set_key(&mut self, val: Id, key: &str, value: &str) {
        let origin = self.arena.get(val).origin.clone();
        let scalar = self.arena.new_scalar(value, origin.clone());
        if key.is_empty() {
            if self.arena.is_kind(val, Kind::Scalar) {
                let style = self.arena.get(val).style;
                self.arena.take_style(scalar, style);
                self.arena.overwrite(val, scalar);
            }
            return;
        }
        set_field(self.arena, val, key, Some(scalar), NewKey { origin, ..NewKey::default() });
    }

    /// `Walker.elementValueList`: the element with these key values in each source.
    fn element_value_list(&self, sources: &Sources, keys: &[String], values: &[String]) -> Sources {
        let (keys, values) = validate_keys(&[values.to_vec()], values, keys);
        sources.map(|s| element_list(self.arena, s, &keys, &values))
    }
}

/// `walk.validateKeys`: the keys some element has a value for (all keys if none has), and
/// this element's values for them.
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    // Loops rather than iterator chains: fewer generic instantiations in the wasm build.
    let valid = |key: &String| {
        for vs in values_list {
            for (i, v) in vs.iter().enumerate() {
                if !v.is_empty() && keys.get(i) == Some(key) {
                    return true;
                }
            }
        }
        false
    };
    let mut valid_keys = Vec::new();
    for key in keys {
        if valid(key) {
            valid_keys.push(key.clone());
        }
    }
    if valid_keys.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let mut valid_values = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if !v.is_empty() || keys.get(i).is_some_and(valid) {
            valid_values.push(v.clone());
        }
    }
    (valid_keys, valid_values)
}

/// `walk.mergeValues`: key values that agree wherever both are set (e.g. a port with and
/// without `protocol`) are unified.
fn merge_values(values_list: &mut [Vec<String>]) {
    for i in 0..values_list.len() {
        let first = values_list[i].clone();
        for j in 0..values_list.len() {
            if let Some(merged) = match_values(&first, &values_list[j]) {
                values_list[i].clone_from(&merged);
                values_list[j] = merged;
            }
        }
    }
}

/// `walk.match`: equal length, at least one equal position, and no position where both are
/// set and differ.
fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut merged = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            merged.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if x.is_empty() {
            merged.push(y.clone());
        } else {
            merged.push(x.clone());
        }
    }
    common.then_some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn match_values_unifies_unset_positions() {
        assert_eq!(match_values(&v(&["80", ""]), &v(&["80", "TCP"])), Some(v(&["80", "TCP"])));
        assert_eq!(match_values(&v(&["80", "UDP"]), &v(&["80", "TCP"])), None);
        assert_eq!(match_values(&v(&["", ""]), &v(&["", ""])), Some(v(&["", ""])));
        assert_eq!(match_values(&v(&["81", ""]), &v(&["80", ""])), None);
    }

    #[test]
    fn validate_keys_drops_keys_nobody_sets() {
        let list = vec![v(&["80", ""]), v(&["90", ""])];
        assert_eq!(
            validate_keys(&list, &list[0], &v(&["containerPort", "protocol"])),
            (v(&["containerPort"]), v(&["80"]))
        );
        let none = vec![v(&["", ""])];
        assert_eq!(validate_keys(&none, &none[0], &v(&["a", "b"])), (v(&["a", "b"]), v(&["", ""])));
    }
}
