//! Go's `strconv.Quote` family (`%q`), the engine's one implementation: for messages that
//! reproduce a Go program's error text exactly (Masterminds/semver, kustomize, `text/template`)
//! and for templates' `%q`, `quote` and `squote`.

/// Go's `strconv.Quote` (`%q`): printable characters as they are (see [`is_print`]), `"` and
/// `\` escaped, C escapes for controls, `\xNN` for other ASCII controls and `\u`/`\U` for the
/// non-ASCII characters Go does not print.
#[must_use]
pub fn quote(s: &str) -> String {
    quote_with(s, false)
}

/// [`quote`], or Go's `strconv.QuoteToASCII` when `ascii` (every non-ASCII character escaped).
pub(crate) fn quote_with(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        escape_into(&mut out, c, '"', ascii);
    }
    out.push('"');
    out
}

/// Go's `strconv.QuoteRune` (or `QuoteRuneToASCII` when `ascii`): `'x'`.
pub(crate) fn quote_rune(c: char, ascii: bool) -> String {
    let mut out = String::from("'");
    escape_into(&mut out, c, '\'', ascii);
    out.push('\'');
    out
}

fn escape_into(out: &mut String, c: char, quote: char, ascii: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) && (!ascii || c.is_ascii()) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `unicode.IsPrint` (what `%q` and `strconv.Quote` print as is), without Unicode
/// tables: printable ASCII; beyond it, false for the C1 controls, the spaces other than
/// U+0020, the line and paragraph separators, the common format characters (soft hyphen,
/// Arabic and Syriac marks, zero-width and bidi marks, BOM, interlinear annotations) and
/// private use; true otherwise (unassigned code points, which Go also escapes, are not
/// distinguished).
pub(crate) fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !matches!(c,
        '\u{80}'..='\u{a0}'
        | '\u{ad}'
        | '\u{600}'..='\u{605}'
        | '\u{61c}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{1680}'
        | '\u{180e}'
        | '\u{2000}'..='\u{200f}'
        | '\u{2028}'..='\u{202f}'
        | '\u{205f}'..='\u{206f}'
        | '\u{3000}'
        | '\u{e000}'..='\u{f8ff}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
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
            ("\u{600}\u{feff}\u{fffd}", r#""\u0600\ufeff�""#),
        ] {
            assert_eq!(quote(text), expected, "{text:?}");
        }
    }

    /// `strconv.QuoteToASCII` and `QuoteRune` (`src/strconv/quote_test.go` cases).
    #[test]
    fn ascii_and_rune_forms() {
        assert_eq!(quote_with("☺\u{7f}", true), r#""\u263a\x7f""#);
        assert_eq!(quote_with("\u{10ffff}", true), r#""\U0010ffff""#);
        assert_eq!(quote_rune('\'', false), r"'\''");
        assert_eq!(quote_rune('"', false), "'\"'");
        assert_eq!(quote_rune('☺', false), "'☺'");
        assert_eq!(quote_rune('☺', true), r"'\u263a'");
    }
}
