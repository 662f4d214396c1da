//! Decimal text to `f64`, exactly as `str::parse::<f64>` does it, without its tables.
//!
//! The standard parser's fast path (Eisel-Lemire) carries a 10 KB table of powers of five:
//! the largest piece of incompressible data in the engine's WebAssembly build. The engine
//! parses few floats, so this module uses only the exact method that parser falls back to
//! (the "simple decimal conversion" also used by Go's `strconv`): the digits are kept as a
//! decimal number and shifted by powers of two until the binary exponent and the rounded
//! mantissa can be read off. It accepts the same text as `str::parse::<f64>` and gives the
//! same value (correctly rounded, ties to even); the tests compare the two.
//!
//! [`format_go`] goes the other way, as Go's `strconv.FormatFloat` does for `float64`: the
//! shortest digits that read back as the same value (precision `None`) or the value rounded
//! to a precision (ties to even, on the exact binary value). The digits come from the
//! standard formatter (`{:e}` and `{:.N}` are exact); only Go's layout is ours.

/// Digits kept; a longer mantissa is truncated, remembering whether a non-zero digit was cut.
const MAX_DIGITS: usize = 768;

/// `str::parse::<f64>`: `[+-]` then `inf`, `infinity` or `nan` (any case) or
/// `digits[.digits][(e|E)[+-]digits]` (digits on at least one side of the point).
pub(crate) fn parse_f64(s: &str) -> Option<f64> {
    let mut text = s.as_bytes();
    let negative = text.first() == Some(&b'-');
    if matches!(text.first(), Some(b'-' | b'+')) {
        text = &text[1..];
    }
    let magnitude = match Decimal::read(text) {
        Some(decimal) => decimal.into_f64(),
        None if text.eq_ignore_ascii_case(b"inf") || text.eq_ignore_ascii_case(b"infinity") => {
            f64::INFINITY
        }
        None if text.eq_ignore_ascii_case(b"nan") => f64::NAN,
        None => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `0.d₀d₁d₂… × 10^point`, digits without leading or trailing zeros (none for zero).
struct Decimal {
    digits: Vec<u8>,
    point: i64,
    /// Non-zero digits were dropped after `digits` (the value is a little larger).
    truncated: bool,
}

impl Decimal {
    fn read(text: &[u8]) -> Option<Decimal> {
        let mut d = Decimal { digits: Vec::new(), point: 0, truncated: false };
        let mut i = 0;
        let mut any_digit = false;
        let mut after_point = false;
        while let Some(&c) = text.get(i) {
            match c {
                b'0'..=b'9' => {
                    any_digit = true;
                    if d.digits.is_empty() && c == b'0' {
                        // A leading zero only matters after the point.
                        d.point -= i64::from(after_point);
                    } else {
                        d.push(c - b'0');
                        d.point += i64::from(!after_point);
                    }
                }
                b'.' if !after_point => after_point = true,
                _ => break,
            }
            i += 1;
        }
        if !any_digit {
            return None;
        }
        if matches!(text.get(i), Some(b'e' | b'E')) {
            i += 1;
            let negative = text.get(i) == Some(&b'-');
            if matches!(text.get(i), Some(b'-' | b'+')) {
                i += 1;
            }
            let start = i;
            let mut exponent: i64 = 0;
            while let Some(&c @ b'0'..=b'9') = text.get(i) {
                // Saturates as the standard parser does.
                if exponent < 0x10000 {
                    exponent = 10 * exponent + i64::from(c - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            d.point += if negative { -exponent } else { exponent };
        }
        if i != text.len() {
            return None;
        }
        d.trim();
        Some(d)
    }

    fn push(&mut self, digit: u8) {
        if self.digits.len() < MAX_DIGITS {
            self.digits.push(digit);
        } else if digit != 0 {
            self.truncated = true;
        }
    }

    fn trim(&mut self) {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
    }

    fn into_f64(mut self) -> f64 {
        const MANTISSA_BITS: u32 = 52;
        /// The exponent of the smallest normal number (`2^-1022`).
        const MIN_EXPONENT: i64 = -1022;
        /// Biased exponents at or above this are infinite.
        const INFINITE: i64 = 0x7ff;
        const BIAS: i64 = 1023;
        if self.digits.is_empty() || self.point < -324 {
            return 0.0;
        }
        if self.point >= 310 {
            return f64::INFINITY;
        }
        // Scale into [1/2, 1), counting the powers of two.
        let mut exponent: i64 = 0;
        while self.point > 0 {
            let shift = shift_for(self.point);
            self.shift_right(shift);
            exponent += i64::from(shift);
        }
        while self.point < 0 || (self.point == 0 && self.digits[0] < 5) {
            let shift = if self.point == 0 { 1 } else { shift_for(-self.point) };
            self.shift_left(shift);
            exponent -= i64::from(shift);
        }
        // [1/2, 1) is [1, 2) one power lower; below the normal range the number is subnormal.
        exponent -= 1;
        while exponent < MIN_EXPONENT {
            let shift = u32::try_from(MIN_EXPONENT - exponent).map_or(60, |s| s.min(60));
            self.shift_right(shift);
            exponent += i64::from(shift);
        }
        if exponent + BIAS >= INFINITE {
            return f64::INFINITY;
        }
        self.shift_left(MANTISSA_BITS + 1);
        let mut mantissa = self.rounded();
        if mantissa >= 1 << (MANTISSA_BITS + 1) {
            // Rounding carried into a new bit.
            self.shift_right(1);
            exponent += 1;
            mantissa = self.rounded();
            if exponent + BIAS >= INFINITE {
                return f64::INFINITY;
            }
        }
        let mut biased = exponent + BIAS;
        if mantissa < 1 << MANTISSA_BITS {
            biased -= 1;
        }
        let biased = u64::try_from(biased).unwrap_or(0);
        f64::from_bits((biased << MANTISSA_BITS) | (mantissa & ((1 << MANTISSA_BITS) - 1)))
    }

    /// Divides by `2^k` (`k ≤ 60`, so that `10 × 2^k` fits a `u64`).
    fn shift_right(&mut self, k: u32) {
        let mut n: u64 = 0;
        let mut read = 0;
        let mut input = self.digits.iter();
        while n >> k == 0 {
            match input.next() {
                Some(&digit) => n = 10 * n + u64::from(digit),
                None if n == 0 => {
                    self.digits.clear();
                    return;
                }
                None => n *= 10,
            }
            read += 1;
        }
        self.point -= read - 1;
        let mask = (1 << k) - 1;
        let mut out = Vec::with_capacity(self.digits.len() + 20);
        for &digit in input {
            out.push((n >> k) as u8);
            n = (n & mask) * 10 + u64::from(digit);
        }
        while n > 0 {
            let digit = (n >> k) as u8;
            n = (n & mask) * 10;
            if out.len() < MAX_DIGITS {
                out.push(digit);
            } else if digit != 0 {
                self.truncated = true;
            }
        }
        self.digits = out;
        self.trim();
    }

    /// Multiplies by `2^k` (`k ≤ 60`).
    fn shift_left(&mut self, k: u32) {
        let mut reversed = Vec::with_capacity(self.digits.len() + 20);
        let mut n: u64 = 0;
        for &digit in self.digits.iter().rev() {
            n += u64::from(digit) << k;
            reversed.push((n % 10) as u8);
            n /= 10;
        }
        // Digits carried out in front move the point.
        while n > 0 {
            reversed.push((n % 10) as u8);
            n /= 10;
            self.point += 1;
        }
        reversed.reverse();
        if reversed.len() > MAX_DIGITS {
            self.truncated |= reversed[MAX_DIGITS..].iter().any(|&d| d != 0);
            reversed.truncate(MAX_DIGITS);
        }
        self.digits = reversed;
        self.trim();
    }

    /// The integer part, rounded half to even (a truncated tail is above the half).
    fn rounded(&self) -> u64 {
        let Ok(point) = usize::try_from(self.point) else { return 0 };
        if self.digits.is_empty() {
            return 0;
        }
        if point >= 19 {
            return u64::MAX;
        }
        let mut n: u64 = 0;
        for i in 0..point {
            n = 10 * n + u64::from(self.digits.get(i).copied().unwrap_or(0));
        }
        let round_up = match self.digits.get(point) {
            Some(5) if point + 1 == self.digits.len() => self.truncated || n % 2 == 1,
            Some(&digit) => digit >= 5,
            None => false,
        };
        n + u64::from(round_up)
    }
}

/// A shift by at most `2^shift ≤ 10^n`: `⌊n·log₂10⌋`, at most 60.
fn shift_for(n: i64) -> u32 {
    let n = u32::try_from(n).map_or(19, |n| n.min(19));
    (n * 3_321_928 / 1_000_000).min(60)
}

/// Go's `strconv.FormatFloat(f, format, precision, 64)` for `format` `b'e'`, `b'E'`,
/// `b'f'`, `b'g'` or `b'G'` (any other byte is taken as `g`). `None` is Go's precision `-1`:
/// the fewest digits that read back as `f`. Infinities are `+Inf`/`-Inf`, NaN is `NaN`.
pub(crate) fn format_go(f: f64, format: u8, precision: Option<usize>) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let abs = f.abs();
    let upper = format.is_ascii_uppercase();
    let body = match format.to_ascii_lowercase() {
        b'f' => {
            if let Some(p) = precision {
                format!("{abs:.p$}")
            } else {
                let (digits, point) = digits_of(abs, None);
                fixed(&digits, point, to_usize(to_i64(digits.len()) - i64::from(point)))
            }
        }
        b'e' => {
            let (digits, point) = digits_of(abs, precision.map(|p| p + 1));
            let p = precision.unwrap_or(digits.len().saturating_sub(1));
            exponential(&digits, point, p)
        }
        _ => general(abs, precision),
    };
    let body = if upper { body.to_ascii_uppercase() } else { body };
    format!("{sign}{body}")
}

/// Go's `encoding/json` float64: `%f` style with the shortest digits, exponent form below
/// 1e-6 and from 1e21 with a one-digit negative exponent where Go cleans it (`1e-7`, `1e+21`).
/// Not for NaN or infinities (JSON has no spelling for them).
pub(crate) fn format_json(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut text = format_go(f, b'e', None);
        let n = text.len();
        if n >= 4
            && text.as_bytes()[n - 4] == b'e'
            && text.as_bytes()[n - 3] == b'-'
            && text.as_bytes()[n - 2] == b'0'
        {
            text.remove(n - 2);
        }
        return text;
    }
    format_go(f, b'f', None)
}

/// `%g`: exponent form when the exponent is below -4 or at least the precision (6 for the
/// shortest digits), trailing zeros dropped.
fn general(abs: f64, precision: Option<usize>) -> String {
    let wanted = precision.map(|p| p.max(1));
    let (mut digits, point) = digits_of(abs, wanted);
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    let n = to_i64(digits.len());
    let point64 = i64::from(point);
    let mut eprec = wanted.map_or(6, to_i64);
    if wanted.is_some() && eprec > n && n >= point64 {
        eprec = n;
    }
    let exp = point64 - 1;
    if exp < -4 || exp >= eprec {
        let p = wanted.map_or(n, |p| to_i64(p).min(n));
        return exponential(&digits, point, to_usize(p - 1));
    }
    let p = match wanted {
        Some(p) if to_i64(p) > point64 => n,
        Some(p) => to_i64(p),
        None => n,
    };
    fixed(&digits, point, to_usize(p - point64))
}

fn to_i64(x: usize) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

/// A count from a difference: negative counts are zero.
fn to_usize(x: i64) -> usize {
    usize::try_from(x).unwrap_or(0)
}

/// Decimal digits of `abs` (no leading zeros; `"0"` for zero) and the position of the
/// decimal point relative to them: `0.0123` is `("123", -1)`. `significant` rounds to that
/// many digits; `None` gives the shortest digits that read back as `abs`.
fn digits_of(abs: f64, significant: Option<usize>) -> (String, i32) {
    let text = match significant {
        Some(n) => format!("{abs:.prec$e}", prec = n.saturating_sub(1)),
        None => format!("{abs:e}"),
    };
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if abs == 0.0 {
        return (digits, 1);
    }
    (digits, exponent + 1)
}

fn usize_of(point: i32) -> usize {
    usize::try_from(point).unwrap_or(0)
}

/// Go's `fmtE`: `d.ddde±XX` with `precision` digits after the point.
fn exponential(digits: &str, point: i32, precision: usize) -> String {
    let mut out = String::new();
    let mut chars = digits.chars();
    out.push(chars.next().unwrap_or('0'));
    if precision > 0 {
        out.push('.');
        let rest: String = chars.collect();
        out.push_str(&rest[..rest.len().min(precision)]);
        out.extend(std::iter::repeat_n('0', precision.saturating_sub(rest.len())));
    }
    let exp = if digits.bytes().all(|b| b == b'0') { 0 } else { point - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let magnitude = exp.unsigned_abs();
    if magnitude < 10 {
        out.push('0');
    }
    out.push_str(&magnitude.to_string());
    out
}

/// Go's `fmtF`: integer digits (at least `0`), then `precision` fraction digits.
fn fixed(digits: &str, point: i32, precision: usize) -> String {
    let mut out = String::new();
    let int_len = usize_of(point);
    if int_len == 0 {
        out.push('0');
    } else {
        for i in 0..int_len {
            out.push(char::from(*digits.as_bytes().get(i).unwrap_or(&b'0')));
        }
    }
    if precision > 0 {
        out.push('.');
        for i in 0..precision {
            let at = i64::from(point) + to_i64(i);
            let digit = usize::try_from(at).ok().and_then(|at| digits.as_bytes().get(at));
            out.push(char::from(*digit.unwrap_or(&b'0')));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(text: &str) {
        let ours = parse_f64(text);
        let std = text.parse::<f64>().ok();
        match (ours, std) {
            (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {
                assert_eq!(a.is_sign_negative(), b.is_sign_negative(), "{text}");
            }
            (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{text}: {a:e} vs {b:e}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "{text}"),
        }
    }

    use crate::test_rng::Rng;

    #[test]
    fn syntax_like_the_standard_parser() {
        let cases = "+ - . e 1e 1e+ .e1 1.e1 .5 5. -.5e-3 +1E+2 1_0 0x10 inf -INF +Infinity infinit \
                     nan -NaN NAN1 in 1..2 1.2.3 1e1.5 --1 +-1 ١ 0 -0 00.000 0e99999999999 \
                     1e99999999999 1e-99999999999 0.0000001e7";
        for text in cases.split_whitespace().chain(["", " 1", "1 "]) {
            same(text);
        }
        let alphabet = b"0123456789.eE+-inIfatyNx_";
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..4_000 {
            let len = rng.below(9);
            let text: String = (0..len)
                .map(|_| char::from(alphabet[rng.below(alphabet.len() as u64) as usize]))
                .collect();
            same(&text);
        }
    }

    #[test]
    fn values_like_the_standard_parser() {
        let cases = "0.1 0.2 0.3 1e23 8.98846567431158e307 1.7976931348623157e308 \
                     1.7976931348623158e308 1.7976931348623159e308 2e308 4.9e-324 5e-324 \
                     2.4703282292062327e-324 2.4703282292062328e-324 2.225073858507201e-308 \
                     2.2250738585072011e-308 2.2250738585072014e-308 9007199254740993 \
                     9007199254740992.5 123456789012345678901234567890 1e-400 1e400 \
                     3.14159265358979323846 0.000000000000000000000000000001e30";
        for text in cases.split_whitespace() {
            same(text);
        }
        // Half the smallest subnormal, exactly: a tie, rounded to even (zero); any digit more
        // tips it up, even one past the digits kept.
        let half = concat!(
            "2.470328229206232720882843964341106861825299013071623822127928412503377536351043",
            "75932649918180817996189898282347722858865463328355177969898199387398005390939063",
            "15035659515570226392290858392449105184435931802849936536152500319370457678249219",
            "36562366986365848075700158576926990370631192827955855133292783433840935197801553",
            "12465972635795746227664652728272200563740064854999770965994704540208281662262378",
            "57393450736339007967761930577506740176324673600968951340535537458516661134223766",
            "67860416215968046191446729184030053005753084904876539171138659164623952491262365",
            "38818796362393732804238910186723484976682350898633885879256283027559956575244555",
            "07255189313690836254779186948667994968324049705821028513185451396213837722826145",
            "437693412532098591327667236328125",
            "e-324",
        );
        assert_eq!(parse_f64(half), Some(0.0));
        let (digits, exponent) = half.split_once('e').unwrap();
        let above =
            [format!("{digits}1e{exponent}"), format!("{digits}{}1e{exponent}", "0".repeat(100))];
        for text in above {
            assert_eq!(parse_f64(&text), Some(f64::from_bits(1)));
            same(&text);
        }
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..4_000 {
            let bits = rng.next();
            let f = f64::from_bits(bits);
            if f.is_finite() {
                same(&format!("{f:e}"));
                same(&format!("{f}"));
                // Long expansions of the exact value, cut.
                same(&format!("{f:.40e}"));
                same(&format!("{f:.17e}"));
            }
            let digits: String =
                (0..=rng.below(30)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let exponent = rng.below(700);
            for sign in ["", "-"] {
                same(&format!("{digits}e{sign}{exponent}"));
                same(&format!("0.{digits}e{sign}{exponent}"));
            }
        }
    }
    #[test]
    fn formats_like_go_strconv() {
        // Expected strings: Go's strconv.FormatFloat (src/strconv/ftoa_test.go cases).
        let cases: &[(f64, u8, Option<usize>, &str)] = &[
            (1.0, b'e', Some(5), "1.00000e+00"),
            (1.0, b'f', Some(5), "1.00000"),
            (1.0, b'g', Some(5), "1"),
            (1.0, b'g', None, "1"),
            (20.0, b'g', None, "20"),
            (1_234_567.8, b'g', None, "1.2345678e+06"),
            (200_000.0, b'g', None, "200000"),
            (2_000_000.0, b'g', None, "2e+06"),
            (1e6, b'g', None, "1e+06"),
            (400.0, b'g', Some(2), "4e+02"),
            (40.0, b'g', Some(2), "40"),
            (4.0, b'g', Some(2), "4"),
            (0.0001, b'g', None, "0.0001"),
            (0.00001, b'g', None, "1e-05"),
            (-0.0, b'g', None, "-0"),
            (0.0, b'e', Some(5), "0.00000e+00"),
            (0.0, b'f', Some(5), "0.00000"),
            (0.0, b'g', None, "0"),
            (32.0, b'g', None, "32"),
            (32.0, b'e', None, "3.2e+01"),
            (100.0, b'x', None, "100"),
            (1e23, b'e', Some(17), "9.99999999999999916e+22"),
            (1e23, b'f', Some(17), "99999999999999991611392.00000000000000000"),
            (1e23, b'g', Some(17), "9.9999999999999992e+22"),
            (1e23, b'e', None, "1e+23"),
            (1e23, b'f', None, "100000000000000000000000"),
            (1e23, b'g', None, "1e+23"),
            (100.0, b'f', None, "100"),
            (123_456_789.0, b'f', None, "123456789"),
            (0.5, b'f', Some(0), "0"),
            (1.5, b'f', Some(0), "2"),
            (2.5, b'f', Some(0), "2"),
            (1.23456, b'G', Some(3), "1.23"),
            (1e-7, b'E', None, "1E-07"),
            (f64::INFINITY, b'g', None, "+Inf"),
            (f64::NEG_INFINITY, b'f', Some(2), "-Inf"),
            (f64::NAN, b'g', None, "NaN"),
            (0.1, b'f', None, "0.1"),
            (0.000_012_3, b'f', None, "0.0000123"),
        ];
        for &(f, want) in &[
            (1e-7, "1e-7"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.5, "0.5"),
            (-1e-10, "-1e-10"),
            (0.0, "0"),
            (1_000_000.0, "1000000"),
        ] {
            assert_eq!(format_json(f), want, "{f}");
        }
        for &(f, format, precision, want) in cases {
            assert_eq!(
                format_go(f, format, precision),
                want,
                "{f} {} {precision:?}",
                format as char
            );
        }
    }
}
