//! kyaml's node filters, as the merge uses them: setting and clearing fields, finding,
//! replacing and deleting list elements, and reading `$patch` directives.
//!
//! Each function ports one Go filter (named in its docs) with its corner cases, because the
//! merge's results follow from them: an element without its merge key, a null element, a
//! scalar in a list of maps all behave as kyaml makes them behave.

use super::arena::{Arena, Id, Kind, Tag};
use crate::kustomize::patch::PatchError;
use crate::yaml::{Origin, Style};

/// `yaml.FieldSetter{Name, Value, AppendKeyStyle}` applied to a mapping.
pub fn set_field(arena: &mut Arena, map: Id, name: &str, value: Option<Id>, new_key: NewKey) {
    if let Some(v) = value
        && arena.get(v).style == Style::Plain
        && arena.is_yaml11_non_string(v)
    {
        arena.get_mut(v).style = Style::DoubleQuoted;
    }
    let Some(value) = value.filter(|&v| !arena.tagged_null(Some(v)) || arena.get(v).keep) else {
        clear_field(arena, map, name);
        return;
    };
    if !arena.is_kind(map, Kind::Map) {
        return;
    }
    if let Some(existing) = arena.field_value(Some(map), name) {
        let style = arena.get(existing).style;
        arena.take_style(value, style);
        arena.overwrite(existing, value);
        return;
    }
    let key = arena.new_scalar(name, new_key.origin);
    arena.get_mut(key).style = new_key.style;
    let node = arena.get_mut(map);
    node.content.push(key);
    node.content.push(value);
}

/// How to write a key that [`set_field`] has to add.
#[derive(Debug, Clone, Default)]
pub struct NewKey {
    pub style: Style,
    pub origin: Origin,
}

/// `yaml.Clear(name)`: removes the first entry with this key.
pub fn clear_field(arena: &mut Arena, map: Id, name: &str) {
    if !arena.is_kind(map, Kind::Map) {
        return;
    }
    let at = arena.content(map).chunks_exact(2).position(|kv| arena.text(kv[0]) == name);
    if let Some(i) = at {
        arena.get_mut(map).content.drain(2 * i..2 * i + 2);
    }
}

/// `yaml.FieldMatcher{Name, StringValue}` on one element: `Some` when it matches.
///
/// With a name, the element must be a mapping with that field, and (for a non-empty value)
/// the field's text must equal it. Without a name, the element must be a scalar with that
/// text. Missing and null elements never match.
fn match_field(arena: &Arena, elem: Id, name: &str, value: &str) -> Result<bool, PatchError> {
    if arena.missing_or_null(Some(elem)) {
        return Ok(false);
    }
    if name.is_empty() {
        arena.check_kind(Some(elem), Kind::Scalar)?;
        return Ok(arena.value(Some(elem)) == value);
    }
    arena.check_kind(Some(elem), Kind::Map)?;
    Ok(match arena.field_value(Some(elem), name) {
        Some(v) => value.is_empty() || arena.text(v) == value,
        None => false,
    })
}

/// `yaml.ElementSetter{Element, Keys, Values}` on a sequence: replaces the elements matching
/// every key/value pair with `element` (or deletes them when it is `None`), appending it when
/// nothing matched. Null and empty-map elements are dropped on the way, as kyaml does.
pub fn set_element(
    arena: &mut Arena,
    seq: Id,
    element: Option<Id>,
    keys: &[String],
    values: &[String],
) -> Result<(), PatchError> {
    let empty_key = [String::new()];
    let keys = if keys.is_empty() { &empty_key[..] } else { keys };
    arena.check_kind(Some(seq), Kind::Seq)?;
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut kept = Vec::new();
    let mut matched = false;
    for elem in arena.content(seq).to_vec() {
        if arena.empty_map(Some(elem)) {
            continue;
        }
        if !arena.is_kind(elem, Kind::Map) && mapping_setter {
            kept.push(elem);
            continue;
        }
        if !element_matches(arena, elem, keys, values)? {
            if !values.is_empty() {
                kept.push(elem);
            }
            continue;
        }
        matched = true;
        if let Some(e) = element {
            kept.push(e);
        }
    }
    arena.get_mut(seq).content = kept;
    if let Some(e) = element.filter(|&e| !matched && !arena.missing_or_null(Some(e))) {
        arena.get_mut(seq).content.push(e);
    }
    Ok(())
}

/// The key loop of `ElementSetter`: a key past the end of `values` keeps the previous key's
/// verdict, and no values at all means no match.
fn element_matches(
    arena: &Arena,
    elem: Id,
    keys: &[String],
    values: &[String],
) -> Result<bool, PatchError> {
    let mut found = false;
    for (j, key) in keys.iter().enumerate() {
        if let Some(value) = values.get(j) {
            found = match_field(arena, elem, key, value)?;
        }
        if !found {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `RNode.ElementList(keys, values)` (`yaml.ElementMatcher`): the first element matching all
/// pairs; `None` also when kyaml's matcher would fail.
pub fn element_list(
    arena: &Arena,
    seq: Option<Id>,
    keys: &[String],
    values: &[String],
) -> Option<Id> {
    let seq = seq?;
    if !arena.is_kind(seq, Kind::Seq) {
        return None;
    }
    let first_key = keys.first().map_or("", String::as_str);
    let first_value = values.first().map_or("", String::as_str);
    if first_key.is_empty() {
        return arena.content(seq).iter().copied().find(|&e| arena.text(e) == first_value);
    }
    let padded: Vec<String>;
    let values = if values.is_empty() {
        padded = vec![String::new()];
        &padded[..]
    } else {
        values
    };
    for &elem in arena.content(seq) {
        if arena.check_kind(Some(elem), Kind::Map).is_err() {
            continue;
        }
        if keys.len() != values.len() {
            return None;
        }
        let all = keys.iter().zip(values).all(|(k, v)| {
            // `MatchField(k, v)` always compares the value, even an empty one.
            !arena.missing_or_null(Some(elem))
                && arena.field_value(Some(elem), k).is_some_and(|f| arena.text(f) == v)
        });
        if all {
            return Some(elem);
        }
    }
    None
}

/// The values of `keys` in each element (`RNode.ElementValuesList`): the field's text, or ""
/// where the field is missing, null or an empty collection. `None` for a non-sequence.
pub fn element_values_list(
    arena: &Arena,
    seq: Option<Id>,
    keys: &[String],
) -> Option<Vec<Vec<String>>> {
    let seq = seq?;
    if !arena.is_kind(seq, Kind::Seq) {
        return None;
    }
    let mut list = Vec::with_capacity(arena.content(seq).len());
    for &elem in arena.content(seq) {
        let mut values = Vec::with_capacity(keys.len());
        for k in keys {
            let v = arena.field_value(Some(elem), k);
            values.push(if arena.nil_or_empty(v) {
                String::new()
            } else {
                arena.value(v).to_string()
            });
        }
        list.push(values);
    }
    Some(list)
}

/// `walk.appendListNode(dst, src, keys)`: sets each element of `src` into `dst` by its key
/// values (replacing a match or appending). An element without a key is appended as is, and
/// with several keys a match is first deleted.
pub fn append_list_node(
    arena: &mut Arena,
    dst: Id,
    src: Id,
    keys: &[String],
) -> Result<(), PatchError> {
    let empty_key = [String::new()];
    let keys = if keys.is_empty() { &empty_key[..] } else { keys };
    for elem in arena.content(src).to_vec() {
        if keys[0].is_empty() {
            let text = arena.text(elem).to_string();
            set_element(arena, dst, Some(elem), &empty_key, &[text])?;
            continue;
        }
        let mut values = Vec::new();
        for key in keys {
            if arena.missing_or_null(Some(elem)) {
                push(arena, dst, elem)?;
                continue;
            }
            arena.check_kind(Some(elem), Kind::Map)?;
            match arena.field_value(Some(elem), key) {
                Some(v) => values.push(arena.text(v).to_string()),
                None => push(arena, dst, elem)?,
            }
        }
        if keys.len() > 1 {
            set_element(arena, dst, None, keys, &values)?;
        }
        set_element(arena, dst, Some(elem), keys, &values)?;
    }
    Ok(())
}

/// `yaml.Append(elem)`.
fn push(arena: &mut Arena, seq: Id, elem: Id) -> Result<(), PatchError> {
    arena.check_kind(Some(seq), Kind::Seq)?;
    arena.get_mut(seq).content.push(elem);
    Ok(())
}

/// A `$patch` directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Merge,
    Replace,
    Delete,
}

pub const DIRECTIVE_KEY: &str = "$patch";

/// `merge2.determineSmpDirective`: reads the patch node's `$patch` directive and removes it
/// from the node. An unknown directive is an error (and stays in place).
pub fn take_directive(arena: &mut Arena, patch: Option<Id>) -> Result<Directive, PatchError> {
    let Some(id) = patch else { return Ok(Directive::Merge) };
    match arena.get(id).kind {
        Kind::Map => map_directive(arena, id),
        Kind::Seq => seq_directive(arena, id),
        Kind::Scalar => {
            let n = arena.get(id);
            let tag = match n.tag {
                Tag::Null => "!!null",
                Tag::Str | Tag::Untagged => "!!str",
                Tag::Other => "!!scalar",
            };
            Err(PatchError::new(format!(
                "no implemented strategic merge patch strategy for '{tag}' ('{}')",
                n.text
            ))
            .at(&n.origin))
        }
    }
}

fn map_directive(arena: &mut Arena, map: Id) -> Result<Directive, PatchError> {
    let Some(value) = arena.field_value(Some(map), DIRECTIVE_KEY) else {
        return Ok(Directive::Merge);
    };
    let directive = parse_directive(arena, value)?;
    clear_field(arena, map, DIRECTIVE_KEY);
    Ok(directive)
}

/// In a list, the directive is an element `{$patch: …}` with no other key; kyaml then
/// removes every element whose `$patch` has that value (and null or empty elements).
fn seq_directive(arena: &mut Arena, seq: Id) -> Result<Directive, PatchError> {
    let holder = arena.content(seq).iter().copied().find(|&e| {
        arena.is_kind(e, Kind::Map)
            && !arena.missing_or_null(Some(e))
            && arena.field(Some(e), DIRECTIVE_KEY).is_some()
    });
    let Some(holder) = holder.filter(|&h| arena.content(h).len() <= 2) else {
        return Ok(Directive::Merge);
    };
    let Some(value) = arena.field_value(Some(holder), DIRECTIVE_KEY) else {
        return Ok(Directive::Merge);
    };
    let directive = parse_directive(arena, value)?;
    let text = arena.text(value).to_string();
    set_element(arena, seq, None, &[DIRECTIVE_KEY.to_string()], &[text])?;
    Ok(directive)
}

fn parse_directive(arena: &Arena, value: Id) -> Result<Directive, PatchError> {
    match arena.text(value) {
        "merge" => Ok(Directive::Merge),
        "replace" => Ok(Directive::Replace),
        "delete" => Ok(Directive::Delete),
        other => Err(PatchError::new(format!("unknown patch strategy '{other}'"))
            .at(&arena.get(value).origin)),
    }
}
