//! The `gates:` block of an environment in `baton.yaml`, decoded with positions.
//!
//! Each gate is optional. A gate that cannot be read (a bad duration, regex, day or window)
//! is a diagnostic on its bytes and is left out, so the rest of the file still works.

use regex_lite::Regex;

use super::time::{Window, parse_duration};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::decode::{Decoder, Spanned};
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Node, Origin};

/// How `immutableTags` restricts new tags.
#[derive(Debug, Clone, Default)]
pub enum TagRule {
    /// A digest, or a hex git SHA of 7 to 40 characters.
    #[default]
    Sha,
    /// Tags (or digests) must match this regex (anchored at both ends).
    Pattern(Regex, String),
}

/// The gates of one environment.
#[derive(Debug, Clone, Default)]
pub struct GateConfig {
    pub required_checks: Vec<Spanned<String>>,
    pub approvals: Option<Spanned<i64>>,
    pub codeowners: Option<Spanned<bool>>,
    pub immutable_tags: Option<Spanned<TagRule>>,
    /// Soak time in seconds.
    pub soak: Option<Spanned<u64>>,
    pub windows: Vec<Spanned<Window>>,
    pub origin: Origin,
}

pub(crate) const FIELDS: &[&str] =
    &["requiredChecks", "approvals", "codeowners", "immutableTags", "soak", "windows"];

/// Decodes a `gates:` mapping.
pub fn decode_gates(d: &mut Decoder, node: &Node) -> GateConfig {
    let mut gates = GateConfig { origin: node.origin.clone(), ..GateConfig::default() };
    for (field, _, value) in d.fields(node, "Gates", FIELDS).unwrap_or_default() {
        match field {
            "requiredChecks" => gates.required_checks = d.strings(value, "Gates.requiredChecks"),
            "approvals" => {
                gates.approvals = d.int(value, "Gates.approvals").filter(|n| {
                    let ok = n.value >= 0;
                    if !ok {
                        gate_error(d, value, "approvals cannot be negative");
                    }
                    ok
                });
            }
            "codeowners" => {
                gates.codeowners = d
                    .bool(value, "Gates.codeowners")
                    .map(|b| Spanned::new(b, value.origin.clone()));
            }
            "immutableTags" => gates.immutable_tags = decode_tag_rule(d, value),
            "soak" => gates.soak = decode_soak(d, value),
            _ => gates.windows = d.list(value, "Gates.windows", decode_window),
        }
    }
    gates
}

fn gate_error(d: &mut Decoder, node: &Node, message: impl Into<String>) {
    d.errors
        .push(Diagnostic::new(Code::GateInvalid, message.into()).at(&**d.file, node.origin.span));
}

fn decode_tag_rule(d: &mut Decoder, node: &Node) -> Option<Spanned<TagRule>> {
    let origin = node.origin.clone();
    match node.scalar().map(|s| resolve(Schema::V2, node.tag.as_deref(), node.style, s)) {
        Some(Ok(Resolved::Bool(true))) => Some(Spanned::new(TagRule::Sha, origin)),
        Some(Ok(Resolved::Bool(false) | Resolved::Null)) => None,
        Some(Ok(Resolved::Str)) => {
            let pattern = node.scalar().unwrap_or_default().to_string();
            match Regex::new(&format!("^(?:{pattern})$")) {
                Ok(re) => Some(Spanned::new(TagRule::Pattern(re, pattern), origin)),
                Err(e) => {
                    gate_error(
                        d,
                        node,
                        format!("immutableTags is not a valid regular expression: {e}"),
                    );
                    None
                }
            }
        }
        _ => {
            gate_error(
                d,
                node,
                "immutableTags must be true, false, or a regular expression string",
            );
            None
        }
    }
}

fn decode_soak(d: &mut Decoder, node: &Node) -> Option<Spanned<u64>> {
    let text = d.string(node, "Gates.soak")?;
    match parse_duration(&text.value) {
        Ok(seconds) => Some(Spanned::new(seconds, text.origin)),
        Err(e) => {
            gate_error(d, node, format!("soak: {e}"));
            None
        }
    }
}

fn time_text(d: &mut Decoder, node: &Node) -> Option<Spanned<String>> {
    if let Some(text) = node.scalar() {
        return Some(Spanned::new(text.to_string(), node.origin.clone()));
    }
    gate_error(d, node, "a time of day must be written as HH:MM");
    None
}

fn decode_window(d: &mut Decoder, node: &Node) -> Option<Spanned<Window>> {
    let fields = d.fields(node, "Window", &["days", "start", "end"])?;
    let (mut days, mut start, mut end) = (None, None, None);
    for (field, _, value) in fields {
        match field {
            "days" => days = Some((d.strings(value, "Window.days"), value)),
            // Raw text: under YAML 1.1 an unquoted `9:30` would read as a number.
            "start" => start = time_text(d, value).map(|s| (s, value)),
            _ => end = time_text(d, value).map(|s| (s, value)),
        }
    }
    let (Some((days, days_node)), Some((start, start_node)), Some((end, end_node))) =
        (days, start, end)
    else {
        gate_error(d, node, "a window needs `days`, `start` and `end`");
        return None;
    };
    for day in &days {
        if let Err(e) = super::time::Weekday::parse(&day.value) {
            d.errors
                .push(Diagnostic::new(Code::GateInvalid, e.to_string()).at(&**d.file, day.span()));
            return None;
        }
    }
    let names: Vec<&str> = days.iter().map(|s| s.value.as_str()).collect();
    let window = match Window::parse(&names, &start.value, &end.value) {
        Ok(w) => w,
        Err(e) => {
            let at = match &e {
                super::time::TimeError::TimeOfDay { input, .. } if *input == end.value => end_node,
                super::time::TimeError::TimeOfDay { .. } => start_node,
                super::time::TimeError::Window(_) if names.is_empty() => days_node,
                _ => node,
            };
            gate_error(d, at, e.to_string());
            return None;
        }
    };
    if window.is_overnight() {
        gate_error(
            d,
            end_node,
            format!(
                "window end {} is not after start {}; windows are within one UTC day (split an overnight window in two)",
                end.value, start.value
            ),
        );
        return None;
    }
    Some(Spanned::new(window, node.origin.clone()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse};

    fn gates(text: &str) -> (GateConfig, Vec<Diagnostic>, String) {
        let file: Arc<str> = Arc::from("baton.yaml");
        let root = parse(&file, text, &Limits::default()).documents.remove(0).root;
        let mut d = Decoder::new(&file, Code::PipelineInvalid, "invalid baton.yaml");
        let g = decode_gates(&mut d, &root);
        (g, d.errors, text.to_string())
    }

    #[test]
    fn decodes_every_gate() {
        let (g, errors, _) = gates(
            "requiredChecks: [e2e-staging]\napprovals: 2\ncodeowners: true\nimmutableTags: true\nsoak: 2h\nwindows:\n- {days: [Mon, Tue], start: \"09:00\", end: \"16:00\"}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(g.required_checks[0].value, "e2e-staging");
        assert_eq!(g.approvals.unwrap().value, 2);
        assert!(g.codeowners.unwrap().value);
        assert!(matches!(g.immutable_tags.unwrap().value, TagRule::Sha));
        assert_eq!(g.soak.unwrap().value, 7200);
        assert_eq!(g.windows.len(), 1);
    }

    #[test]
    fn bad_values_point_at_their_bytes() {
        for (text, bad) in [
            ("soak: 2x\n", "2x"),
            ("immutableTags: \"[\"\n", "\"[\""),
            ("windows:\n- {days: [Mon, Funday], start: \"09:00\", end: \"16:00\"}\n", "Funday"),
            ("windows:\n- {days: [Mon], start: \"16:00\", end: \"09:00\"}\n", "\"09:00\""),
            ("windows:\n- {days: [Mon], start: \"25:00\", end: \"26:00\"}\n", "\"25:00\""),
            ("windows:\n- {days: [Mon], start: 09:30, end: 08:00}\n", "08:00"),
            ("approvals: -1\n", "-1"),
        ] {
            let (_, errors, text) = gates(text);
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            assert_eq!(errors[0].code, "G003", "{text}");
            assert_eq!(&text[errors[0].span.unwrap().range()], bad, "{text}");
        }
    }
}
