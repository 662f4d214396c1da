//! Go's `strconv.Quote` (`%q`), for messages that reproduce a Go program's error text exactly
//! (Masterminds/semver, kustomize).

/// Go's `strconv.Quote` (`%q`): printable characters as
/// they are, `"` and `\` escaped, C escapes for controls, `\xNN` for other ASCII controls and
/// `\u`/`\U` for the non-ASCII characters Go does not print (see [`prints`]).
#[must_use]
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if !prints(c) && (c as u32) < 0x1_0000 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if !prints(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint` beyond ASCII, without Unicode tables: false for the C1 controls,
/// the spaces other than U+0020, the line and paragraph separators, the common format
/// characters (soft hyphen, zero-width and bidi marks, BOM) and private use; true otherwise
/// (unassigned code points, which Go also escapes, are not distinguished).
fn prints(c: char) -> bool {
    !matches!(c,
        '\u{80}'..='\u{a0}'
        | '\u{ad}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200f}'
        | '\u{2028}'..='\u{202f}'
        | '\u{205f}'..='\u{206f}'
        | '\u{3000}'
        | '\u{e000}'..='\u{f8ff}'
        | '\u{feff}'
        | '\u{f0000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `strconv.Quote` on these strings (observed with the Go toolchain).
    #[test]
    fn quote_is_go_strconv_quote() {
        for (text, expected) in [
            ("a.\"b\"", r#""a.\"b\"""#),
            ("tab\tnl\ncr\r", r#""tab\tnl\ncr\r""#),
            ("\u{7}\u{8}\u{c}\u{b}\u{1}\u{7f}", r#""\a\b\f\v\x01\x7f""#),
            ("1.0.0\u{a0}é\u{200b}", r#""1.0.0\u00a0é\u200b""#),
            ("\u{e000}\u{f0000}", r#""\ue000\U000f0000""#),
        ] {
            assert_eq!(quote(text), expected, "{text:?}");
        }
    }
}
