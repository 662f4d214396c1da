//! Floats as Go reads and writes them: the engine's one float parser and one formatter.
//!
//! **Formatting.** kustomize prints numbers through three Go routines, each with its own
//! rules: `strconv.FormatFloat(f, 'g', -1, 64)` (go-yaml's printer, `fmt`'s `%v`), `'f'`
//! (vars), and `encoding/json` (hashes, JSON patches, JSON held in strings); templates add
//! `printf`'s precisions (`%.2f`, `%10.3e`, `%.4g`) through [`format_go`]. All of them start
//! from the decimal digits Go's `strconv` computes: the value's exact decimal expansion (the
//! [`Decimal`] the parser uses), then rounded to a number of digits (correctly, ties to even)
//! or to the shortest digits that read back to the same float (Go's `roundShortest`). Rust's
//! `{:e}` gives the same digits, and the tests compare the two, but it would bring the
//! standard library's Grisu and Dragon code (~8 KB of gzipped wasm) for the few floats the
//! engine prints. Only the layout differs per routine, so [`format_go`], [`format_g`],
//! [`format_g32`], [`format_f`], [`format_json`] and [`format_yaml`] share [`Digits`] and three
//! layouts.
//!
//! **Parsing.** Decimal text to `f64`, exactly as `str::parse::<f64>` does it, without its
//! tables. The standard parser's fast path (Eisel-Lemire) carries a 10 KB table of powers of five:
//! the largest piece of incompressible data in the engine's WebAssembly build. The engine
//! parses few floats, so this module uses only the exact method that parser falls back to
//! (the "simple decimal conversion" also used by Go's `strconv`): the digits are kept as a
//! decimal number and shifted by powers of two until the binary exponent and the rounded
//! mantissa can be read off. It accepts the same text as `str::parse::<f64>` and gives the
//! same value (correctly rounded, ties to even); the tests compare the two.

/// Go's `strconv.FormatFloat(f, format, precision, 64)` for `format` `b'e'`, `b'E'`, `b'f'`,
/// `b'g'` or `b'G'` (any other byte is taken as `g`). `None` is Go's precision `-1`: the
/// fewest digits that read back as `f`. Infinities are `+Inf`/`-Inf`, NaN is `NaN`.
pub(crate) fn format_go(f: f64, format: u8, precision: Option<usize>) -> String {
    if !f.is_finite() {
        return go_special(f).to_owned();
    }
    let negative = f.is_sign_negative();
    let abs = f.abs();
    let text = match (format.to_ascii_lowercase(), precision) {
        (b'e', _) => layout_e(negative, &Digits::of(abs, precision.map(|p| p + 1)), precision),
        (b'f', Some(p)) => layout_f(negative, &Digits::fixed(abs, p), Some(p)),
        (b'f', None) => layout_f(negative, &Digits::of(abs, None), None),
        _ => {
            let precision = precision.map(|p| p.max(1));
            layout_g(negative, &Digits::of(abs, precision), precision)
        }
    };
    if format.is_ascii_uppercase() { text.to_ascii_uppercase() } else { text }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits, exponent form when the
/// decimal exponent is below -4 or at least 6 (`1e+06`, `1.5e-07`), `NaN`, `+Inf`, `-Inf`.
pub(crate) fn format_g(f: f64) -> String {
    format_go(f, b'g', None)
}

/// `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that read back to the same
/// `f32` (how `sigs.k8s.io/yaml` prints a float mapping key).
pub(crate) fn format_g32(f: f32) -> String {
    if !f.is_finite() {
        return go_special(f64::from(f)).to_owned();
    }
    let bits = f.abs().to_bits();
    let d = Decimal::shortest(u64::from(bits & 0x7f_ffff), i64::from(bits >> 23), F32);
    layout_g(f.is_sign_negative(), &Digits::from(d), None)
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent.
pub(crate) fn format_f(f: f64) -> String {
    format_go(f, b'f', None)
}

/// `encoding/json`'s float64: `'f'` layout, or `'e'` below 1e-6 and from 1e21 with a
/// one-digit negative exponent tidied (`1e-7`, `1e+21`); `None` for NaN and infinities, which
/// JSON refuses.
pub(crate) fn format_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    let digits = Digits::of(abs, None);
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = layout_e(f.is_sign_negative(), &digits, None);
        return Some(match text.split_once("e-0") {
            Some((mantissa, exp)) => format!("{mantissa}e-{exp}"),
            None => text,
        });
    }
    Some(layout_f(f.is_sign_negative(), &digits, None))
}

/// go-yaml's float: [`format_g`], with YAML's `.inf`, `-.inf` and `.nan`.
pub(crate) fn format_yaml(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        format_g(f)
    }
}

/// Go's names for the values that have no digits.
fn go_special(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

/// Decimal digits (no leading or trailing zeros; none for zero) and the decimal point's
/// position: the value is `0.d₁d₂… × 10^point` (Go's `decimalSlice`).
struct Digits {
    digits: Vec<u8>,
    point: i32,
}

impl Digits {
    /// The digits of a non-negative finite value: the shortest that read back to it (`None`),
    /// or rounded to `significant` digits (at least one).
    fn of(abs: f64, significant: Option<usize>) -> Digits {
        let bits = abs.to_bits();
        let (mantissa, exponent) = (bits & ((1 << 52) - 1), i64::from((bits >> 52) as u16));
        let d = match significant {
            Some(n) => Decimal::exact(mantissa, exponent, F64).round(n.max(1)),
            None => Decimal::shortest(mantissa, exponent, F64),
        };
        Digits::from(d)
    }

    /// The digits of a non-negative finite value rounded to `precision` places after the point.
    fn fixed(abs: f64, precision: usize) -> Digits {
        let bits = abs.to_bits();
        let d = Decimal::exact(bits & ((1 << 52) - 1), i64::from((bits >> 52) as u16), F64);
        let at = d.point.saturating_add(i64::try_from(precision).unwrap_or(i64::MAX));
        Digits::from(match usize::try_from(at) {
            Ok(at) => d.round(at),
            // The place is before the first digit: the value is below a tenth of it, so zero.
            Err(_) => d.round_down(0),
        })
    }

    /// Reads Rust's rendering of a non-negative value, plain (`12.50`) or scientific
    /// (`1.25e1`).
    #[cfg(test)]
    fn read(text: &str) -> Digits {
        let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
        let int_len = mantissa.find('.').unwrap_or(mantissa.len());
        let mut point =
            i32::try_from(int_len).unwrap_or(i32::MAX) + exp.parse::<i32>().unwrap_or(0);
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        let leading = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..leading);
        point -= i32::try_from(leading).unwrap_or(0);
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            point = 0;
        }
        Digits { digits, point }
    }

    fn len(&self) -> i64 {
        i64::try_from(self.digits.len()).unwrap_or(i64::MAX)
    }
}

impl From<Decimal> for Digits {
    fn from(d: Decimal) -> Digits {
        let digits: Vec<u8> = d.digits.iter().map(|&digit| b'0' + digit).collect();
        let point = if digits.is_empty() { 0 } else { i32::try_from(d.point).unwrap_or(0) };
        Digits { digits, point }
    }
}

/// A binary float format, as Go's `floatInfo`: mantissa bits and the exponent of the smallest
/// normal number.
#[derive(Clone, Copy)]
struct FloatFormat {
    mantissa_bits: u32,
    min_exponent: i64,
}

const F64: FloatFormat = FloatFormat { mantissa_bits: 52, min_exponent: -1022 };
const F32: FloatFormat = FloatFormat { mantissa_bits: 23, min_exponent: -126 };

impl Decimal {
    /// The exact value `mantissa × 2^shift` (`mantissa` below 2^55).
    fn of(mantissa: u64, shift: i64) -> Decimal {
        let mut d = Decimal { digits: Vec::new(), point: 0, truncated: false };
        for digit in mantissa.to_string().bytes() {
            d.digits.push(digit - b'0');
        }
        d.point = i64::try_from(d.digits.len()).unwrap_or(0);
        d.trim();
        let mut shift = shift;
        while shift > 0 {
            let k = shift.min(60);
            d.shift_left(u32::try_from(k).unwrap_or(60));
            shift -= k;
        }
        while shift < 0 {
            let k = (-shift).min(60);
            d.shift_right(u32::try_from(k).unwrap_or(60));
            shift += k;
        }
        d
    }

    /// The exact value of a non-negative float from its fields: the stored mantissa bits and
    /// the biased exponent (Go's `bigFtoa` after `genericFtoa`'s unpacking). A float has at
    /// most 767 significant decimal digits, within [`MAX_DIGITS`].
    fn exact(mantissa: u64, biased: i64, format: FloatFormat) -> Decimal {
        let (mantissa, exponent) = unpack(mantissa, biased, format);
        Decimal::of(mantissa, exponent - i64::from(format.mantissa_bits))
    }

    /// The shortest digits that read back to the float (Go's `roundShortest`): the exact value
    /// cut at the first digit where rounding down or up stays strictly between the halfway
    /// points to the neighbouring floats (or on them, for an even mantissa, which
    /// round-half-to-even reads back).
    fn shortest(mantissa: u64, biased: i64, format: FloatFormat) -> Decimal {
        let (mant, exp) = unpack(mantissa, biased, format);
        let bits = i64::from(format.mantissa_bits);
        let d = Decimal::of(mant, exp - bits);
        let count = |d: &Decimal| i64::try_from(d.digits.len()).unwrap_or(i64::MAX);
        if mant == 0 {
            return d;
        }
        // Integers with exactly the digits needed cannot be shorter.
        let len = count(&d);
        if exp > format.min_exponent && 332 * (d.point - len) >= 100 * (exp - bits) {
            return d;
        }
        let upper = Decimal::of(mant * 2 + 1, exp - bits - 1);
        let (low_mant, low_exp) = if mant > 1 << format.mantissa_bits || exp == format.min_exponent
        {
            (mant - 1, exp)
        } else {
            (mant * 2 - 1, exp - 1)
        };
        let lower = Decimal::of(low_mant * 2 + 1, low_exp - bits - 1);
        let inclusive = mant % 2 == 0;
        let digit = |d: &Decimal, i: i64| {
            usize::try_from(i).ok().and_then(|i| d.digits.get(i)).copied().unwrap_or(0)
        };
        let (upper_len, lower_len) = (count(&upper), count(&lower));
        let mut upper_delta = 0u8;
        let mut ui: i64 = 0;
        loop {
            let mi = ui - upper.point + d.point;
            if mi >= len {
                return d;
            }
            let li = ui - upper.point + lower.point;
            let (l, m, u) = (digit(&lower, li), digit(&d, mi), digit(&upper, ui));
            let ok_down = l != m || (inclusive && li + 1 == lower_len);
            upper_delta = match upper_delta {
                0 if m + 1 < u => 2,
                0 if m != u => 1,
                1 if m != 9 || u != 0 => 2,
                other => other,
            };
            let ok_up = upper_delta > 0 && (inclusive || upper_delta > 1 || ui + 1 < upper_len);
            // Go's rounding leaves the digits alone at a place before the first one.
            let Ok(at) = usize::try_from(mi + 1) else { return d };
            match (ok_down, ok_up) {
                (true, true) => return d.round(at),
                (true, false) => return d.round_down(at),
                (false, true) => return d.round_up(at),
                (false, false) => ui += 1,
            }
        }
    }

    /// Rounded to `n` significant digits, half to even (Go's `decimal.Round`).
    fn round(self, n: usize) -> Decimal {
        let Some(&digit) = self.digits.get(n) else { return self };
        let half_even = digit == 5 && n + 1 == self.digits.len();
        let up = if half_even {
            self.truncated || (n > 0 && self.digits[n - 1] % 2 == 1)
        } else {
            digit >= 5
        };
        if up { self.round_up(n) } else { self.round_down(n) }
    }

    fn round_down(mut self, n: usize) -> Decimal {
        self.digits.truncate(n);
        self.trim();
        self
    }

    fn round_up(mut self, n: usize) -> Decimal {
        if n >= self.digits.len() {
            return self;
        }
        self.digits.truncate(n);
        while let Some(last) = self.digits.pop() {
            if last < 9 {
                self.digits.push(last + 1);
                return self;
            }
        }
        // All nines: 0.999… becomes 0.1 one place up.
        self.digits.push(1);
        self.point += 1;
        self
    }
}

/// Go's unpacking of a float's fields: a subnormal's exponent is the smallest normal one, a
/// normal mantissa gets its implicit leading bit. Returns the mantissa and the unbiased exponent.
fn unpack(mantissa: u64, biased: i64, format: FloatFormat) -> (u64, i64) {
    let bias = format.min_exponent - 1;
    if biased == 0 {
        (mantissa, format.min_exponent)
    } else {
        (mantissa | (1 << format.mantissa_bits), biased + bias)
    }
}

impl Digits {
    /// The digit at `i` places after the point's position (`'0'` outside the digits).
    fn at(&self, i: i64) -> char {
        let digit = usize::try_from(i).ok().and_then(|i| self.digits.get(i));
        char::from(*digit.unwrap_or(&b'0'))
    }
}

/// Go's `%g` (`strconv`'s `'g'` branch): exponent form when the exponent is below -4 or at
/// least the precision (6 for the shortest digits), otherwise plain; no trailing zeros.
fn layout_g(negative: bool, d: &Digits, precision: Option<usize>) -> String {
    let nd = d.len();
    let dp = i64::from(d.point);
    let mut prec = precision.map_or(nd, |p| i64::try_from(p).unwrap_or(i64::MAX));
    let mut eprec = prec;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if precision.is_none() {
        eprec = 6;
    }
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        prec = prec.min(nd);
        return layout_e(negative, d, Some(usize::try_from(prec - 1).unwrap_or(0)));
    }
    if prec > dp {
        prec = nd;
    }
    layout_f(negative, d, Some(usize::try_from(prec - dp).unwrap_or(0)))
}

/// `d.ddde±XX`: Go's `%e` with `precision` digits after the point (`None`: all the
/// digits) and at least two exponent digits.
fn layout_e(negative: bool, d: &Digits, precision: Option<usize>) -> String {
    let mut out = String::from(if negative { "-" } else { "" });
    out.push(d.at(0));
    let precision = precision.unwrap_or(d.digits.len().saturating_sub(1));
    if precision > 0 {
        out.push('.');
        out.extend((1..=precision).map(|i| d.at(i64::try_from(i).unwrap_or(i64::MAX))));
    }
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs()));
    out
}

/// Plain decimal notation: the integer digits (at least `0`), then `precision` fraction
/// digits (`None`: exactly the digits needed).
fn layout_f(negative: bool, d: &Digits, precision: Option<usize>) -> String {
    let mut out = String::from(if negative { "-" } else { "" });
    let point = i64::from(d.point);
    if point > 0 {
        out.extend((0..point).map(|i| d.at(i)));
    } else {
        out.push('0');
    }
    let precision = precision.map_or((d.len() - point).max(0), |p| i64::try_from(p).unwrap_or(0));
    if precision > 0 {
        out.push('.');
        out.extend((0..precision).map(|i| d.at(point + i)));
    }
    out
}

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
        if let Some(exact) = self.fast_f64() {
            return exact;
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

    /// The fast path of Go's `atof64exact` (Clinger's): with at most 15 digits the mantissa
    /// is an integer below 2^53, exact as an `f64`, and so is `10^e` for `|e| ≤ 22`; one
    /// multiplication or division of two exact values is correctly rounded, so the result is
    /// the one the slow path computes (tags such as timestamps take this path).
    fn fast_f64(&self) -> Option<f64> {
        /// `10^0` to `10^22`, the powers of ten an `f64` holds exactly.
        const POWERS: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if self.truncated || self.digits.len() > 15 {
            return None;
        }
        let mantissa = self.digits.iter().fold(0u64, |m, &d| 10 * m + u64::from(d));
        // The value is `mantissa × 10^(point - digits)`.
        let exponent = self.point - i64::try_from(self.digits.len()).ok()?;
        let power = *POWERS.get(usize::try_from(exponent.unsigned_abs()).ok()?)?;
        #[allow(clippy::cast_precision_loss)] // below 2^53: exact
        let mantissa = mantissa as f64;
        Some(if exponent >= 0 { mantissa * power } else { mantissa / power })
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

/// Go's `strconv.ParseFloat(s, 64)`: `None` where Go returns an error.
///
/// Go accepts more than `str::parse`: `_` between digits (`1_000`, checked by Go's
/// `underscoreOK`), hexadecimal mantissas with a mandatory binary exponent (`0x1.8p1`), and
/// `inf`/`infinity`/`nan` in any case (a sign only before `inf`). A value too large for
/// `f64` is Go's range error (`1e400`); one too small rounds to zero without error. Decimal
/// text is converted by [`parse_f64`] once its syntax is Go's; hexadecimal text is rounded
/// here as Go's `atofHex` does (round half to even, with denormals).
pub(crate) fn parse_go_f64(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    if let Some(value) = go_special_text(bytes) {
        return Some(value);
    }
    let scan = GoFloatScan::read(bytes)?;
    if scan.underscores && !go_underscores_ok(bytes) {
        return None;
    }
    if scan.hex {
        return go_hex_to_f64(scan.mantissa, scan.exponent, scan.negative, scan.truncated);
    }
    if !scan.underscores {
        return parse_f64(s).filter(|f| f.is_finite());
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    parse_f64(&plain).filter(|f| f.is_finite())
}

/// Go's `special`: `[+-]inf`, `[+-]infinity`, `nan`, any case, and nothing after.
fn go_special_text(s: &[u8]) -> Option<f64> {
    let (negative, rest) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    (rest.len() == s.len() && s.eq_ignore_ascii_case(b"nan")).then_some(f64::NAN)
}

/// What Go's `readFloat` reads from the whole text.
#[allow(clippy::struct_excessive_bools)] // Go's own flags, one per fact it tracks.
struct GoFloatScan {
    negative: bool,
    hex: bool,
    mantissa: u64,
    /// Binary (hex) exponent of the mantissa's last digit.
    exponent: i64,
    truncated: bool,
    underscores: bool,
}

impl GoFloatScan {
    fn read(s: &[u8]) -> Option<GoFloatScan> {
        let mut i = 0;
        let negative = s.first() == Some(&b'-');
        if matches!(s.first(), Some(b'+' | b'-')) {
            i = 1;
        }
        let hex = i + 2 < s.len() && s[i] == b'0' && s[i + 1].eq_ignore_ascii_case(&b'x');
        let (base, max_digits, exp_char) = if hex { (16u64, 16, b'p') } else { (10, 19, b'e') };
        if hex {
            i += 2;
        }
        let mut scan = GoFloatScan {
            negative,
            hex,
            mantissa: 0,
            exponent: 0,
            truncated: false,
            underscores: false,
        };
        let (mut saw_dot, mut saw_digits) = (false, false);
        let (mut nd, mut nd_mant, mut dp) = (0i64, 0i64, 0i64);
        while let Some(&c) = s.get(i) {
            let digit = match c {
                b'_' => {
                    scan.underscores = true;
                    i += 1;
                    continue;
                }
                b'.' if !saw_dot => {
                    saw_dot = true;
                    dp = nd;
                    i += 1;
                    continue;
                }
                b'0'..=b'9' => u64::from(c - b'0'),
                b'a'..=b'f' | b'A'..=b'F' if hex => u64::from(c.to_ascii_lowercase() - b'a' + 10),
                _ => break,
            };
            saw_digits = true;
            i += 1;
            if digit == 0 && nd == 0 && c == b'0' {
                // Leading zeros are skipped.
                dp -= 1;
                continue;
            }
            nd += 1;
            if nd_mant < max_digits {
                scan.mantissa = scan.mantissa * base + digit;
                nd_mant += 1;
            } else if digit != 0 {
                scan.truncated = true;
            }
        }
        if !saw_digits {
            return None;
        }
        if !saw_dot {
            dp = nd;
        }
        if hex {
            dp *= 4;
            nd_mant *= 4;
        }
        if s.get(i).is_some_and(|c| c.to_ascii_lowercase() == exp_char) {
            i += 1;
            let mut sign = 1;
            match s.get(i) {
                Some(b'+') => i += 1,
                Some(b'-') => {
                    i += 1;
                    sign = -1;
                }
                _ => {}
            }
            if !s.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            let mut e: i64 = 0;
            while let Some(&c) = s.get(i) {
                match c {
                    b'_' => scan.underscores = true,
                    b'0'..=b'9' if e < 10_000 => e = e * 10 + i64::from(c - b'0'),
                    b'0'..=b'9' => {}
                    _ => break,
                }
                i += 1;
            }
            dp += e * sign;
        } else if hex {
            return None;
        }
        if scan.mantissa != 0 {
            scan.exponent = dp - nd_mant;
        }
        (i == s.len()).then_some(scan)
    }
}

/// Go's `underscoreOK`: underscores only between digits (a base prefix counts as a digit).
fn go_underscores_ok(s: &[u8]) -> bool {
    let s = match s.first() {
        Some(b'+' | b'-') => &s[1..],
        _ => s,
    };
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    for &c in &s[i..] {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// Go's `atofHex` for `float64`: `mantissa × 2^exponent`, rounded to 53 bits (half to even),
/// denormalized below the normal range; too large is a range error (`None`).
fn go_hex_to_f64(mut mantissa: u64, exponent: i64, negative: bool, truncated: bool) -> Option<f64> {
    const MANT_BITS: i64 = 52;
    const BIAS: i64 = -1023;
    let max_exp = (1 << 11) + BIAS - 2;
    let min_exp = BIAS + 1;
    let mut exp = exponent + MANT_BITS;
    while mantissa != 0 && mantissa >> (MANT_BITS + 2) == 0 {
        mantissa <<= 1;
        exp -= 1;
    }
    if truncated {
        mantissa |= 1;
    }
    while mantissa >> (1 + MANT_BITS + 2) != 0 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    while mantissa > 1 && exp < min_exp - 2 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1;
    exp += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + MANT_BITS) {
            mantissa >>= 1;
            exp += 1;
        }
    }
    if mantissa >> MANT_BITS == 0 {
        exp = BIAS;
    }
    if exp > max_exp {
        return None;
    }
    let mut bits = mantissa & ((1 << MANT_BITS) - 1);
    bits |= ((exp - BIAS) & ((1 << 11) - 1)).cast_unsigned() << MANT_BITS;
    if negative {
        bits |= 1 << 63;
    }
    Some(f64::from_bits(bits))
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
            // The exact fast path (at most 15 digits, |exponent| ≤ 22) and its edges.
            let short: String =
                (0..=rng.below(17)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let exponent = rng.below(50);
            for sign in ["", "-"] {
                same(&format!("{short}e{sign}{exponent}"));
                same(&format!("{short}.{short}e{sign}{exponent}"));
            }
        }
        for text in ["999999999999999e22", "999999999999999e-22", "1e22", "1e-22", "1e23"] {
            same(text);
        }
    }

    /// Go's `strconv.ParseFloat(s, 64)` on these inputs (observed with the Go toolchain):
    /// `None` where Go returns an error.
    #[test]
    fn parse_go_f64_is_go_parse_float() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1_000", Some(1000.0)),
            ("0x1p-2", Some(0.25)),
            ("0x10", None),
            ("infinity", Some(f64::INFINITY)),
            ("1e400", None),
            ("1e-400", Some(0.0)),
            ("_1", None),
            ("1__0", None),
            ("0x_1p0", Some(1.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("+.5e+3", Some(500.0)),
            ("-Inf", Some(f64::NEG_INFINITY)),
            ("0b101", None),
            ("1_000.5", Some(1000.5)),
            ("1.0_0", Some(1.0)),
            ("0x1.8p1", Some(3.0)),
            (" 1", None),
            ("+nan", None),
            ("-nan", None),
            ("INF", Some(f64::INFINITY)),
            ("+Infinity", Some(f64::INFINITY)),
            ("infin", None),
            ("1e", None),
            ("1e+", None),
            ("0x", None),
            ("0xp1", None),
            ("0x1p", None),
            ("0X1P+2", Some(4.0)),
            ("0x1.fffffffffffff8p1023", None),
            ("0x1p-1074", Some(5e-324)),
            ("0x1p-1075", Some(0.0)),
            ("0x1.000000000000080000001p0", Some(1.000_000_000_000_000_2)),
            ("1.7976931348623157e308", Some(f64::MAX)),
            ("1.7976931348623159e308", None),
            ("4.9e-324", Some(5e-324)),
            ("2e-324", Some(0.0)),
            ("-0", Some(-0.0)),
            ("1_0_0", Some(100.0)),
            ("1_", None),
            ("1._5", None),
            ("1e1_0", Some(1e10)),
            ("0x1_0p0", Some(16.0)),
            ("00012", Some(12.0)),
            (".e1", None),
            ("", None),
            ("+", None),
            ("12e", None),
            ("9007199254740993", Some(9_007_199_254_740_992.0)),
            ("123456789012345678901234567890", Some(1.234_567_890_123_456_8e29)),
        ];
        for (text, expected) in cases {
            let got = parse_go_f64(text);
            assert_eq!(got.map(f64::to_bits), expected.map(f64::to_bits), "{text:?}: {got:?}");
        }
        assert!(parse_go_f64("NaN").is_some_and(f64::is_nan));
        assert!(parse_go_f64("nan").is_some_and(f64::is_nan));
    }

    #[test]
    fn go_layouts() {
        let g = [
            (1_000_000.0, "1e+06"),
            (100_000.0, "100000"),
            (8080.0, "8080"),
            (1.5, "1.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.234_567e6, "1.234567e+06"),
            (12_345_678_901_234_567_890.0, "1.2345678901234567e+19"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (-0.0, "-0"),
            (123_456.0, "123456"),
            (1e-300, "1e-300"),
            // 2^-25 lies exactly halfway between the two shortest candidates …312 and …313:
            // Go rounds to even (golang/go src/strconv/ftoaryu.go at 074a49b, ryuDigits32;
            // bigFtoa's roundShortest agrees); Rust's `{:e}` gives …313.
            (2f64.powi(-25), "2.9802322387695312e-08"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (f, want) in g {
            assert_eq!(format_g(f), want, "{f}");
        }
        assert_eq!(format_g32(0.1), "0.1");
        assert_eq!(format_g32(16_777_216.0), "1.6777216e+07");
        assert_eq!(format_f(1_234_567.0), "1234567");
        assert_eq!(format_f(1e21), "1000000000000000000000");
        assert_eq!(format_f(0.000_012_5), "0.0000125");
        assert_eq!(format_f(f64::INFINITY), "+Inf");
        let json = [
            (1.0, "1"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (0.000_001, "0.000001"),
            (-0.0, "-0"),
        ];
        for (f, want) in json {
            assert_eq!(format_json(f).as_deref(), Some(want), "{f}");
        }
        assert_eq!(format_json(f64::NAN), None);
        assert_eq!(format_yaml(f64::NEG_INFINITY), "-.inf");
        assert_eq!(format_yaml(f64::NAN), ".nan");
        assert_eq!(format_yaml(2.5e-7), "2.5e-07");
    }

    #[test]
    fn formatted_floats_read_back() {
        let mut rng = Rng(0x5851_f42d_4c95_7f2d);
        for _ in 0..4_000 {
            let f = f64::from_bits(rng.next());
            if f.is_finite() {
                for text in [format_g(f), format_f(f), format_json(f).unwrap_or_default()] {
                    assert_eq!(parse_f64(&text).map(f64::to_bits), Some(f.to_bits()), "{text}");
                }
            }
        }
    }

    /// The digits Rust's formatter gives: shortest (`{:e}`), `n` significant (`{:.Ne}`), or
    /// `p` places (`{:.p}`); all correctly rounded, ties to even, as Go's `strconv`.
    fn std_digits(abs: f64, significant: Option<usize>) -> (Vec<u8>, i32) {
        let d = match significant {
            Some(n) => Digits::read(&format!("{abs:.prec$e}", prec = n - 1)),
            None => Digits::read(&format!("{abs:e}")),
        };
        (d.digits, d.point)
    }

    /// Our shortest digits are Rust's, except where the exact value (`exact`, all its digits)
    /// lies halfway between two shortest candidates: Rust rounds such a tie up, Go (and
    /// `roundShortest`) to the even one.
    fn same_shortest(ours: &(Vec<u8>, i32), std: &(Vec<u8>, i32), exact: &str) {
        if ours == std {
            return;
        }
        let exact = Digits::read(exact);
        let n = ours.0.len();
        assert_eq!((n, ours.1), (std.0.len(), std.1), "{ours:?} shortest");
        assert!(ours.0[n - 1].is_multiple_of(2), "{ours:?} is not the even candidate");
        let low = ours.0.clone().min(std.0.clone());
        assert_eq!(exact.digits[..n], low[..], "{ours:?}");
        assert_eq!(&exact.digits[n..], b"5", "{ours:?}: not a tie");
    }

    #[test]
    fn digits_are_the_standard_formatters() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut values: Vec<f64> = vec![
            0.0,
            f64::MIN_POSITIVE,
            f64::MAX,
            5e-324,
            2.225_073_858_507_201e-308,
            1e23,
            9.5,
            0.5,
            2.5,
            999.999_9,
            0.1,
            1.0 / 3.0,
            9_007_199_254_740_993.0,
        ];
        for _ in 0..3_000 {
            values.push(f64::from_bits(rng.next() >> 1));
            // Short decimals and powers of two near the rounding cases.
            values.push(f64::from(u32::try_from(rng.next() % 100_000).unwrap_or(0)) / 1000.0);
            values.push(f64::from_bits((rng.next() % 2_046 + 1) << 52));
        }
        for f in values.into_iter().filter(|f| f.is_finite()) {
            let of = |n| {
                let d = Digits::of(f, n);
                (d.digits, d.point)
            };
            same_shortest(&of(None), &std_digits(f, None), &format!("{f:.800e}"));
            for n in [1, 2, 3, 6, 17, 25] {
                assert_eq!(of(Some(n)), std_digits(f, Some(n)), "{f:e} to {n} digits");
            }
            for p in [0, 1, 2, 5] {
                let d = Digits::fixed(f, p);
                let std = Digits::read(&format!("{f:.p$}"));
                assert_eq!((d.digits, d.point), (std.digits, std.point), "{f:e} to {p} places");
            }
            #[allow(clippy::cast_possible_truncation)]
            let g = f as f32;
            if g.is_finite() {
                let std = Digits::read(&format!("{:e}", g.abs()));
                let ours = Digits::read(&format_g32(g.abs()));
                same_shortest(
                    &(ours.digits, ours.point),
                    &(std.digits, std.point),
                    &format!("{:.800e}", g.abs()),
                );
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
            (0.0, b'g', Some(3), "0"),
            (123_456.0, b'g', Some(3), "1.23e+05"),
            (0.000_123, b'g', Some(2), "0.00012"),
            (9.96, b'g', Some(2), "10"),
            (-1.5, b'e', Some(2), "-1.50e+00"),
            (999.99, b'f', Some(1), "1000.0"),
            (0.001, b'e', Some(0), "1e-03"),
        ];
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
