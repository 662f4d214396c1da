//! Sprig's numbers (`numeric.go`, `functions.go`): conversions through `spf13/cast` v1.7.0
//! (`ToInt64`, `ToFloat64`: unparsable text is 0), int64 arithmetic that wraps like Go's,
//! and the float operations (`addf`, `divf`, …) that go through `shopspring/decimal`
//! v1.4.0: each operand becomes the shortest decimal that reads back as it, the operation is
//! exact (division: 16 decimal places, half away from zero), and the result is read back as
//! a float64. Decimals are kept in an `i128`; an operation that would overflow it fails
//! with an error rather than rounding differently from Go.

use super::{Ctx, Value};
use crate::gotemplate::value::Type;

type Res = Result<Value, String>;

/// Go's `int64(f)` on amd64: out of range (and NaN) gives the minimum int64.
#[allow(clippy::cast_possible_truncation)]
fn f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// cast's `trimZeroDecimal`: `"1.00"` is `"1"`.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToInt64`.
pub(crate) fn to_int64(_: &mut Ctx<'_>, v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => f64_to_i64(*f),
        Value::String(s) => crate::gotemplate::parse::parse_int(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// `cast.ToFloat64`.
pub(crate) fn to_float64(v: &Value) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Float(f) => *f,
        Value::String(s) => crate::gotemplate::parse::go_parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

pub(super) fn atoi(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let s = a[0].as_str().unwrap_or("");
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    Ok(Value::Int(if ok { s.parse::<i64>().unwrap_or(0) } else { 0 }))
}

pub(super) fn int64(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Int64(to_int64(ctx, &a[0])))
}

pub(super) fn int(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Int(to_int64(ctx, &a[0])))
}

pub(super) fn float64(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Float(to_float64(&a[0])))
}

/// `strconv.ParseInt(fmt.Sprint(v), 8, 64)`, 0 on error.
pub(super) fn to_decimal(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = ctx.sprint(&a[..1])?;
    let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
    let ok = !digits.is_empty() && digits.bytes().all(|b| (b'0'..=b'7').contains(&b));
    Ok(Value::Int64(if ok { i64::from_str_radix(&text, 8).unwrap_or(0) } else { 0 }))
}

fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        _ => 0,
    }
}

/// Sprig's `untilStep`, counting the work before building the list.
fn until_step_values(
    ctx: &mut Ctx<'_>,
    start: i64,
    stop: i64,
    step: i64,
) -> Result<Vec<i64>, String> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 { 0 } else { (start - stop + (-step) - 1) / (-step) }
    } else if step <= 0 {
        0
    } else {
        (stop - start + step - 1) / step
    };
    ctx.step(usize::try_from(count).unwrap_or(usize::MAX))?;
    let mut v = Vec::new();
    let mut i = start;
    for _ in 0..count {
        v.push(i64::try_from(i).unwrap_or_default());
        i += step;
    }
    Ok(v)
}

fn int_list(items: Vec<i64>) -> Value {
    Value::list(Type::Int, items.into_iter().map(Value::Int).collect())
}

pub(super) fn until(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let count = int_arg(&a[0]);
    let step = if count < 0 { -1 } else { 1 };
    Ok(int_list(until_step_values(ctx, 0, count, step)?))
}

pub(super) fn until_step(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(int_list(until_step_values(ctx, int_arg(&a[0]), int_arg(&a[1]), int_arg(&a[2]))?))
}

/// Sprig's `seq`: like Unix `seq`, joined with spaces.
pub(super) fn seq(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let p: Vec<i64> = a.iter().map(int_arg).collect();
    let values = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step_values(ctx, 1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step_values(ctx, *start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let inc = if end < start { -1 } else { 1 };
            if end < start && *step > 0 {
                Vec::new()
            } else {
                until_step_values(ctx, *start, end.wrapping_add(inc), *step)?
            }
        }
        _ => Vec::new(),
    };
    let text: Vec<String> = values.iter().map(i64::to_string).collect();
    let text = text.join(" ");
    ctx.check_len(text.len())?;
    Ok(Value::from(text))
}

pub(super) fn add1(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Int64(to_int64(ctx, &a[0]).wrapping_add(1)))
}

pub(super) fn add(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut sum: i64 = 0;
    for v in a {
        sum = sum.wrapping_add(to_int64(ctx, v));
    }
    Ok(Value::Int64(sum))
}

pub(super) fn sub(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Int64(to_int64(ctx, &a[0]).wrapping_sub(to_int64(ctx, &a[1]))))
}

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

pub(super) fn div(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (x, y) = (to_int64(ctx, &a[0]), to_int64(ctx, &a[1]));
    if y == 0 {
        return Err(DIVIDE_BY_ZERO.to_owned());
    }
    Ok(Value::Int64(x.wrapping_div(y)))
}

pub(super) fn modulo(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (x, y) = (to_int64(ctx, &a[0]), to_int64(ctx, &a[1]));
    if y == 0 {
        return Err(DIVIDE_BY_ZERO.to_owned());
    }
    Ok(Value::Int64(x.wrapping_rem(y)))
}

pub(super) fn mul(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut product = to_int64(ctx, &a[0]);
    for v in &a[1..] {
        product = product.wrapping_mul(to_int64(ctx, v));
    }
    Ok(Value::Int64(product))
}

pub(super) fn max(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut best = to_int64(ctx, &a[0]);
    for v in &a[1..] {
        best = best.max(to_int64(ctx, v));
    }
    Ok(Value::Int64(best))
}

pub(super) fn min(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut best = to_int64(ctx, &a[0]);
    for v in &a[1..] {
        best = best.min(to_int64(ctx, v));
    }
    Ok(Value::Int64(best))
}

/// Go's `math.Max`: NaN wins, +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

fn go_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

pub(super) fn maxf(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Float(a[1..].iter().fold(to_float64(&a[0]), |m, v| go_max(m, to_float64(v)))))
}

pub(super) fn minf(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Float(a[1..].iter().fold(to_float64(&a[0]), |m, v| go_min(m, to_float64(v)))))
}

pub(super) fn ceil(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Float(to_float64(&a[0]).ceil()))
}

pub(super) fn floor(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Float(to_float64(&a[0]).floor()))
}

/// Sprig's `round`: `pow*val`, then ceiling when its fraction is at least `roundOn` (0.5).
pub(super) fn round(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let round_on = match a.get(2) {
        Some(Value::Float(f)) => *f,
        _ => 0.5,
    };
    let val = to_float64(&a[0]);
    #[allow(clippy::cast_precision_loss)]
    let places = int_arg(&a[1]) as f64;
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let rounded = if frac >= round_on { digit.ceil() } else { digit.floor() };
    Ok(Value::Float(rounded / pow))
}

/// A decimal `mant × 10^exp`.
#[derive(Debug, Clone, Copy)]
struct Decimal {
    mant: i128,
    exp: i32,
}

const OVERFLOW: &str = "the decimal result exceeds Baton's 38-digit decimal arithmetic";

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_f64(f: f64) -> Result<Decimal, String> {
        if !f.is_finite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                crate::float::format_go(f, b'g', None)
            ));
        }
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let negative = mantissa.starts_with('-');
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let frac_len = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
        let mut mant: i128 = digits.parse().map_err(|_| OVERFLOW)?;
        if negative {
            mant = -mant;
        }
        let exp = exponent.parse::<i32>().unwrap_or(0) - i32::try_from(frac_len).unwrap_or(0);
        Ok(Decimal { mant, exp })
    }

    fn scaled(self, exp: i32) -> Result<i128, String> {
        let shift = u32::try_from(self.exp - exp).map_err(|_| OVERFLOW)?;
        let factor = 10i128.checked_pow(shift).ok_or(OVERFLOW)?;
        self.mant.checked_mul(factor).ok_or_else(|| OVERFLOW.to_owned())
    }

    fn add(self, other: Decimal) -> Result<Decimal, String> {
        let exp = self.exp.min(other.exp);
        let mant = self.scaled(exp)?.checked_add(other.scaled(exp)?).ok_or(OVERFLOW)?;
        Ok(Decimal { mant, exp })
    }

    fn neg(self) -> Decimal {
        Decimal { mant: -self.mant, exp: self.exp }
    }

    fn mul(self, other: Decimal) -> Result<Decimal, String> {
        let mant = self.mant.checked_mul(other.mant).ok_or(OVERFLOW)?;
        Ok(Decimal { mant, exp: self.exp + other.exp })
    }

    /// `Div`: `DivRound(d2, 16)`, rounding half away from zero.
    fn div(self, other: Decimal) -> Result<Decimal, String> {
        const PRECISION: i32 = 16;
        if other.mant == 0 {
            return Err("decimal division by zero".to_owned());
        }
        let k = self.exp - other.exp + PRECISION;
        let ten = |n: i32| 10i128.checked_pow(u32::try_from(n).unwrap_or(u32::MAX)).ok_or(OVERFLOW);
        let (num, den) = if k >= 0 {
            (self.mant.checked_mul(ten(k)?).ok_or(OVERFLOW)?, other.mant)
        } else {
            (self.mant, other.mant.checked_mul(ten(-k)?).ok_or(OVERFLOW)?)
        };
        let mut q = num / den;
        let r = num % den;
        if r.unsigned_abs().saturating_mul(2) >= den.unsigned_abs() {
            q += if (num < 0) == (den < 0) { 1 } else { -1 };
        }
        Ok(Decimal { mant: q, exp: -PRECISION })
    }

    fn to_f64(self) -> f64 {
        crate::float::parse_f64(&format!("{}e{}", self.mant, self.exp)).unwrap_or(0.0)
    }
}

fn decimal_op(
    a: &Value,
    rest: &[Value],
    op: fn(Decimal, Decimal) -> Result<Decimal, String>,
) -> Res {
    let mut acc = Decimal::from_f64(to_float64(a))?;
    for v in rest {
        acc = op(acc, Decimal::from_f64(to_float64(v))?)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

pub(super) fn add1f(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    decimal_op(&a[0], &[Value::Int(1)], Decimal::add)
}

pub(super) fn addf(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    decimal_op(&Value::Float(0.0), a, Decimal::add)
}

pub(super) fn subf(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    decimal_op(&a[0], &a[1..], |x, y| x.add(y.neg()))
}

pub(super) fn mulf(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    decimal_op(&a[0], &a[1..], Decimal::mul)
}

pub(super) fn divf(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    decimal_op(&a[0], &a[1..], Decimal::div)
}
