//! What a scalar means: the implicit typing rules of go-yaml, which kustomize inherits.
//!
//! kustomize reads resources with go-yaml v3 (YAML 1.2-ish: `yes` is a string) and reads
//! kustomization files through `sigs.k8s.io/yaml`, which uses go-yaml v2 (YAML 1.1: `yes` is
//! `true`). Both share one resolver shape; [`Schema`] picks the word list. The number rules
//! follow Go's `strconv.ParseInt(s, 0, 64)` (so `017` is octal and `0x1F` hex) after
//! underscores are removed, then a YAML-style float pattern.

use super::node::Style;

/// Which go-yaml major version's rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// go-yaml v2: YAML 1.1 booleans (`yes`, `on`, `y`, …).
    V2,
    /// go-yaml v3: only `true`/`false` (any case variant listed) are booleans.
    V3,
}

/// The typed value of a scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
    /// A plain scalar that looks like a date/time (go-yaml decodes it as `time.Time`).
    Timestamp,
    /// `!!binary`: the decoded bytes.
    Binary(Vec<u8>),
    /// The merge key `<<`.
    Merge,
    /// A tag go-yaml does not resolve (e.g. `!custom`): kept as a string.
    Custom,
}

/// An explicit tag whose value does not fit, e.g. `!!int abc`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode {found} `{value}` as a {tag}")]
pub struct ResolveError {
    pub found: &'static str,
    pub value: String,
    pub tag: String,
}

pub const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// The short form of a tag (`!!str` for `tag:yaml.org,2002:str`).
#[must_use]
pub fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// The short name of the tag go-yaml v3 gives plain `text` (`int`, `bool`, `str`, …).
#[must_use]
pub fn plain_tag(text: &str) -> &'static str {
    match resolve(Schema::V3, None, Style::Plain, text) {
        Ok(Resolved::Null) => "null",
        Ok(Resolved::Bool(_)) => "bool",
        Ok(Resolved::Int(_) | Resolved::Uint(_)) => "int",
        Ok(Resolved::Float(_)) => "float",
        Ok(Resolved::Timestamp) => "timestamp",
        Ok(Resolved::Merge) => "merge",
        _ => "str",
    }
}

/// Resolves a scalar as go-yaml does when decoding into `interface{}`.
pub fn resolve(
    schema: Schema,
    tag: Option<&str>,
    style: Style,
    value: &str,
) -> Result<Resolved, ResolveError> {
    let tag = tag.map(short_tag);
    // go-yaml v3 treats the non-specific tag `!` as no tag at all (`! 5` is an int); v2
    // keeps it as an unknown tag, so the scalar stays a string.
    let tag = match tag.as_deref() {
        None => "",
        Some("!") if schema == Schema::V3 => "",
        Some(t) => t,
    };
    // A quoted or block scalar without a tag is a string ("indicated string").
    if tag.is_empty() && style != Style::Plain {
        return Ok(Resolved::Str);
    }
    match tag {
        "" | "!!str" | "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp" => {}
        "!!binary" => {
            return decode_base64(value).map(Resolved::Binary).ok_or_else(|| ResolveError {
                found: "!!binary",
                value: value.to_string(),
                tag: "!!binary".into(),
            });
        }
        "!!merge" if value == "<<" => return Ok(Resolved::Merge),
        _ => return Ok(Resolved::Custom),
    }
    let resolved = if tag == "!!str" { Resolved::Str } else { implicit(schema, tag, value) };
    let found = tag_of(&resolved);
    match (tag, &resolved) {
        ("" | "!!str", _) => Ok(resolved),
        (t, _) if t == found => Ok(resolved),
        ("!!float", Resolved::Int(i)) => Ok(Resolved::Float(go_float64(*i))),
        _ => Err(ResolveError { found, value: value.to_string(), tag: tag.to_string() }),
    }
}

/// Go's `float64(i)`: the nearest float, as Rust's `as` rounds.
#[allow(clippy::cast_precision_loss)]
fn go_float64(i: i64) -> f64 {
    i as f64
}

fn tag_of(resolved: &Resolved) -> &'static str {
    match resolved {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Timestamp => "!!timestamp",
        Resolved::Binary(_) => "!!binary",
        Resolved::Merge => "!!merge",
        Resolved::Str | Resolved::Custom => "!!str",
    }
}

fn implicit(schema: Schema, tag: &str, value: &str) -> Resolved {
    let Some(&first) = value.as_bytes().first() else { return Resolved::Null };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            word(schema, value).unwrap_or(Resolved::Str)
        }
        b'.' => match value {
            ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
            ".inf" | ".Inf" | ".INF" => Resolved::Float(f64::INFINITY),
            // go-yaml passes these to ParseFloat as written, underscores and all.
            _ => parse_go_float_with_underscores(value).map_or(Resolved::Str, Resolved::Float),
        },
        b'+' | b'-' | b'0'..=b'9' => {
            match value {
                "+.inf" | "+.Inf" | "+.INF" => return Resolved::Float(f64::INFINITY),
                "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
                _ => {}
            }
            if (tag.is_empty() || tag == "!!timestamp") && is_timestamp(value) {
                return Resolved::Timestamp;
            }
            number(schema, value).unwrap_or(Resolved::Str)
        }
        _ => Resolved::Str,
    }
}

fn word(schema: Schema, value: &str) -> Option<Resolved> {
    Some(match value {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" if schema == Schema::V2 => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" if schema == Schema::V2 => {
            Resolved::Bool(false)
        }
        _ => return None,
    })
}

/// Integers by Go's `ParseInt(s, 0, 64)` then `ParseUint`, then YAML-style floats.
fn number(schema: Schema, value: &str) -> Option<Resolved> {
    let plain: String = value.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Some(i);
    }
    if is_yaml_float(&plain)
        && let Some(f) = parse_go_float(&plain)
    {
        return Some(Resolved::Float(f));
    }
    prefixed_int(schema, &plain)
}

/// go-yaml's second chance for `0b` (and, in v3, `0o`) numbers: the digits after the prefix
/// go to `ParseInt(s, 2 or 8, 64)`, which takes a sign there too (`0b-1` is -1, `0o+7` is 7),
/// then to `ParseUint`; after `-0b`/`-0o` they go to `ParseInt("-" + digits)`.
fn prefixed_int(schema: Schema, plain: &str) -> Option<Resolved> {
    let prefixes: &[(&str, u32)] = match schema {
        Schema::V2 => &[("0b", 2)],
        Schema::V3 => &[("0b", 2), ("0o", 8)],
    };
    for &(prefix, radix) in prefixes {
        if let Some(digits) = plain.strip_prefix(prefix) {
            if let Some(i) = parse_int_radix(digits, radix) {
                return Some(Resolved::Int(i));
            }
            return parse_uint_radix(digits, radix).map(Resolved::Uint);
        }
        if let Some(digits) = plain.strip_prefix('-').and_then(|rest| rest.strip_prefix(prefix)) {
            return parse_int_radix(&format!("-{digits}"), radix).map(Resolved::Int);
        }
    }
    None
}

/// Go's `strconv.ParseInt(s, radix, 64)` for an explicit radix: an optional sign, then digits.
fn parse_int_radix(s: &str, radix: u32) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_uint_radix(digits, radix)?;
    if negative {
        (magnitude <= i64::MAX as u64 + 1).then(|| magnitude.cast_signed().wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, radix, 64)` for an explicit radix: digits only.
fn parse_uint_radix(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)`.
fn parse_go_int(s: &str) -> Option<Resolved> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, body) =
        if let Some(rest) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
            (16, rest)
        } else if let Some(rest) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
            (2, rest)
        } else if let Some(rest) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
            (8, rest)
        } else if digits.len() > 1 && digits.starts_with('0') {
            (8, &digits[1..])
        } else {
            (10, digits)
        };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            return Some(Resolved::Int(magnitude.cast_signed().wrapping_neg()));
        }
        return None;
    }
    if let Ok(i) = i64::try_from(magnitude) {
        return Some(Resolved::Int(i));
    }
    // ParseUint does not accept a sign.
    (!s.starts_with('+')).then_some(Resolved::Uint(magnitude))
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if int_digits == 0 && frac == 0 {
            return false;
        }
        i += frac;
    } else if int_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

/// Go's `ParseFloat(s, 64)` for decimal input: out-of-range values are errors there.
fn parse_go_float(s: &str) -> Option<f64> {
    if !is_yaml_float(s) {
        return None;
    }
    let f = crate::float::parse_f64(s)?;
    f.is_finite().then_some(f)
}

/// Go's `ParseFloat(s, 64)` on text that may hold underscores, which Go allows only between
/// digits.
fn parse_go_float_with_underscores(s: &str) -> Option<f64> {
    if !s.contains('_') {
        return parse_go_float(s);
    }
    let mut previous = '^';
    for c in s.trim_start_matches(['-', '+']).chars() {
        let class = match c {
            '0'..='9' => '0',
            '_' if previous != '0' => return None,
            '_' => '_',
            _ if previous == '_' => return None,
            _ => '!',
        };
        previous = class;
    }
    if previous == '_' {
        return None;
    }
    parse_go_float(&s.replace('_', ""))
}

/// go-yaml's timestamp test: four digits, a dash, then one of its accepted layouts.
#[must_use]
pub fn is_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// A parsed go-yaml timestamp, enough to print it as Go's `time.Time` JSON form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Fraction of a second as written (digits only, up to 9).
    pub fraction: String,
    /// Offset from UTC in minutes; `None` for a time without a zone (UTC).
    pub offset_minutes: Option<i32>,
}

impl Timestamp {
    /// Go's `time.Time.MarshalJSON` text (RFC 3339 with nanoseconds, trailing zeros trimmed).
    #[must_use]
    pub fn rfc3339(&self) -> String {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        let fraction = self.fraction.trim_end_matches('0');
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
        match self.offset_minutes {
            None | Some(0) => out.push('Z'),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
            }
        }
        out
    }
}

/// Parses the layouts go-yaml accepts: `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
#[must_use]
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { b, i: 5 };
    let year: u32 = s[..4].parse().ok()?;
    let month = p.number(1, 2)?;
    p.expect(b'-')?;
    let day = p.number(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut ts = Timestamp {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        fraction: String::new(),
        offset_minutes: None,
    };
    if p.done() {
        return Some(ts);
    }
    let zoned = match p.next()? {
        b'T' | b't' => true,
        b' ' => {
            // A space in a Go layout matches a run of spaces.
            while p.peek() == Some(b' ') {
                p.i += 1;
            }
            false
        }
        _ => return None,
    };
    ts.hour = p.number(1, 2)?;
    p.expect(b':')?;
    ts.minute = p.number(1, 2)?;
    p.expect(b':')?;
    ts.second = p.number(1, 2)?;
    if ts.hour > 23 || ts.minute > 59 || ts.second > 59 {
        return None;
    }
    // Go's time.Parse takes a `.` or `,` and any number of digits, keeping nine.
    if matches!(p.peek(), Some(b'.' | b',')) {
        p.i += 1;
        let start = p.i;
        while p.peek().is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
        }
        if p.i == start {
            return None;
        }
        ts.fraction = s[start..p.i.min(start + 9)].to_string();
    }
    if !zoned {
        return p.done().then_some(ts);
    }
    match p.next()? {
        b'Z' => ts.offset_minutes = Some(0),
        sign @ (b'+' | b'-') => {
            let h = p.number(2, 2)?;
            p.expect(b':')?;
            let m = p.number(2, 2)?;
            // Go's range test allows offsets of 24 hours and 60 minutes.
            if h > 24 || m > 60 {
                return None;
            }
            let total = (h * 60 + m).cast_signed();
            ts.offset_minutes = Some(if sign == b'-' { -total } else { total });
        }
        _ => return None,
    }
    p.done().then_some(ts)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i - start < max && self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i]).ok()?.parse().ok()
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padded standard base64 in which only `\r` and
/// `\n` are skipped (so a block scalar's line breaks are fine, but a plain scalar folded onto
/// one line with spaces is not), and nothing may follow the padding.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quanta = symbols.len() / 4;
    for (n, quantum) in symbols.chunks_exact(4).enumerate() {
        let padding = quantum.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && n + 1 != quanta) {
            return None;
        }
        let mut acc = 0u32;
        for &c in &quantum[..4 - padding] {
            acc = (acc << 6) | u32::from(base64_value(c)?);
        }
        acc <<= 6 * padding as u32;
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - padding]);
    }
    Some(out)
}

fn base64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(schema: Schema, s: &str) -> Resolved {
        resolve(schema, None, Style::Plain, s).unwrap()
    }

    #[test]
    fn v3_keeps_yaml11_words_as_strings() {
        assert_eq!(plain(Schema::V3, "yes"), Resolved::Str);
        assert_eq!(plain(Schema::V3, "on"), Resolved::Str);
        assert_eq!(plain(Schema::V3, "True"), Resolved::Bool(true));
        assert_eq!(plain(Schema::V2, "yes"), Resolved::Bool(true));
        assert_eq!(plain(Schema::V2, "Off"), Resolved::Bool(false));
        assert_eq!(plain(Schema::V3, "~"), Resolved::Null);
        assert_eq!(plain(Schema::V3, ""), Resolved::Null);
    }

    #[test]
    fn numbers_follow_go_parse_int_base_zero() {
        assert_eq!(plain(Schema::V3, "017"), Resolved::Int(15));
        assert_eq!(plain(Schema::V3, "0x1F"), Resolved::Int(31));
        assert_eq!(plain(Schema::V3, "0o17"), Resolved::Int(15));
        assert_eq!(plain(Schema::V3, "0b101"), Resolved::Int(5));
        assert_eq!(plain(Schema::V3, "1_000"), Resolved::Int(1000));
        assert_eq!(plain(Schema::V3, "-0"), Resolved::Int(0));
        assert_eq!(plain(Schema::V3, "08"), Resolved::Float(8.0));
        assert_eq!(plain(Schema::V3, "18446744073709551615"), Resolved::Uint(u64::MAX));
        assert_eq!(plain(Schema::V3, "1e3"), Resolved::Float(1000.0));
        assert_eq!(plain(Schema::V3, ".5"), Resolved::Float(0.5));
        assert_eq!(plain(Schema::V3, "1e400"), Resolved::Str);
        assert_eq!(plain(Schema::V3, "1.2.3"), Resolved::Str);
        assert_eq!(plain(Schema::V3, "abc1234"), Resolved::Str);
        assert_eq!(plain(Schema::V3, "1234567"), Resolved::Int(1_234_567));
        assert_eq!(plain(Schema::V3, "-.inf"), Resolved::Float(f64::NEG_INFINITY));
        assert_eq!(plain(Schema::V3, ".5_5"), Resolved::Float(0.55));
        assert_eq!(plain(Schema::V2, ".5_5e1_0"), Resolved::Float(0.55e10));
        assert_eq!(plain(Schema::V3, "._5"), Resolved::Str);
        assert_eq!(plain(Schema::V3, ".5_"), Resolved::Str);
        assert_eq!(plain(Schema::V3, ".5__5"), Resolved::Str);
        assert_eq!(plain(Schema::V3, ".5_e1"), Resolved::Str);
        assert_eq!(plain(Schema::V3, "0o+3"), Resolved::Int(3));
        assert_eq!(plain(Schema::V3, "-0o7"), Resolved::Int(-7));
        assert_eq!(plain(Schema::V2, "0o+3"), Resolved::Str);
        assert_eq!(plain(Schema::V2, "0b-1"), Resolved::Int(-1));
        assert_eq!(plain(Schema::V3, "-0b+1"), Resolved::Str);
    }

    #[test]
    fn quoted_scalars_are_strings() {
        assert_eq!(resolve(Schema::V3, None, Style::DoubleQuoted, "1").unwrap(), Resolved::Str);
        assert_eq!(resolve(Schema::V3, None, Style::Literal, "true").unwrap(), Resolved::Str);
    }

    #[test]
    fn explicit_tags() {
        let str_tag = format!("{TAG_PREFIX}str");
        let int_tag = format!("{TAG_PREFIX}int");
        let float_tag = format!("{TAG_PREFIX}float");
        assert_eq!(resolve(Schema::V3, Some(&str_tag), Style::Plain, "5").unwrap(), Resolved::Str);
        assert_eq!(
            resolve(Schema::V3, Some(&int_tag), Style::DoubleQuoted, "5").unwrap(),
            Resolved::Int(5)
        );
        assert_eq!(
            resolve(Schema::V3, Some(&float_tag), Style::Plain, "5").unwrap(),
            Resolved::Float(5.0)
        );
        let err = resolve(Schema::V3, Some(&int_tag), Style::Plain, "abc").unwrap_err();
        assert_eq!(err.to_string(), "cannot decode !!str `abc` as a !!int");
        assert_eq!(
            resolve(Schema::V3, Some("!custom"), Style::Plain, "x").unwrap(),
            Resolved::Custom
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(plain(Schema::V3, "2024-01-01"), Resolved::Timestamp);
        assert_eq!(parse_timestamp("2024-1-2").unwrap().rfc3339(), "2024-01-02T00:00:00Z");
        assert_eq!(
            parse_timestamp("2001-12-14t21:59:43.10-05:00").unwrap().rfc3339(),
            "2001-12-14T21:59:43.1-05:00"
        );
        assert_eq!(
            parse_timestamp("2001-12-14 21:59:43.5").unwrap().rfc3339(),
            "2001-12-14T21:59:43.5Z"
        );
        assert!(parse_timestamp("2024-02-30").is_none());
        assert!(parse_timestamp("2024-01-01T10:00:00").is_none());
        assert_eq!(plain(Schema::V3, "2024-13-01"), Resolved::Str);
    }

    #[test]
    fn binary() {
        let tag = format!("{TAG_PREFIX}binary");
        assert_eq!(
            resolve(Schema::V3, Some(&tag), Style::Plain, "aGVs\nbG8=").unwrap(),
            Resolved::Binary(b"hello".to_vec())
        );
    }
}
