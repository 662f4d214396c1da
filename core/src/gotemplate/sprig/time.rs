//! Sprig's date functions (`date.go`) over Go's `time` package, in UTC.
//!
//! The clock is the execution's `now` ([`crate::gotemplate::ExecOptions::now`]); without it,
//! functions that read the clock fail naming themselves. Go's `Local` zone is the
//! controller's, which in the usual container is UTC: Baton takes it as UTC. Other named
//! zones need a time zone database Baton does not carry, so they fail with an error (Go's
//! `dateInZone` falls back to UTC only for names it cannot load). A `time.Time` value is a
//! struct printed as Go's `Time.String()` (without the monotonic clock reading that
//! `time.Now()` appends), with its `Unix` and `Nanosecond` methods.

use std::rc::Rc;

use super::{Ctx, Value};
use crate::gates::time::{Instant, civil_from_days, days_from_civil, days_in_month};
use crate::gotemplate::value::{StructType, Type};

type Res = Result<Value, String>;

pub(super) fn time_type() -> Rc<StructType> {
    Rc::new(
        StructType::new("time.Time", Vec::new())
            .with_method("Unix", Type::Int64)
            .with_method("Nanosecond", Type::Int),
    )
}

/// A `time.Time` value (UTC).
fn time_value(t: Instant) -> Value {
    let display = format(t, "2006-01-02 15:04:05.999999999 -0700 MST");
    Value::structure(
        &time_type(),
        Vec::new(),
        vec![Value::Int64(t.unix_seconds()), Value::Int(i64::from(t.subsec_nanos()))],
        Some(&display),
    )
}

/// The instant inside a `time.Time` value.
fn instant_of(v: &Value) -> Option<Instant> {
    let Value::Struct(s) = v else { return None };
    if s.ty.name != "time.Time" {
        return None;
    }
    let Value::Int64(secs) = s.method("Unix")?.0 else { return None };
    let Value::Int(nanos) = s.method("Nanosecond")?.0 else { return None };
    Some(Instant::from_unix_nanos(secs, u32::try_from(nanos).ok()?))
}

pub(super) fn now(ctx: &mut Ctx<'_>, _: &[Value]) -> Res {
    Ok(time_value(ctx.now("now")?))
}

/// The time a date function formats: a `time.Time`, Unix seconds as `int`/`int64`, and
/// anything else means "now" (Sprig's `default:` case).
fn date_arg(ctx: &Ctx<'_>, v: &Value, function: &str) -> Result<Instant, String> {
    match v {
        Value::Int(n) | Value::Int64(n) => Ok(Instant::from_unix(*n)),
        other => match instant_of(other) {
            Some(t) => Ok(t),
            None => ctx.now(function),
        },
    }
}

fn check_zone(zone: &str) -> Result<(), String> {
    match zone {
        "UTC" | "Local" | "" => Ok(()),
        other => Err(format!(
            "time zone {other:?}: Baton has no time zone database (only UTC and Local, taken as UTC)"
        )),
    }
}

pub(super) fn date(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = date_arg(ctx, &a[1], "date")?;
    Ok(Value::from(format(t, a[0].as_str().unwrap_or(""))))
}

pub(super) fn date_in_zone(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    check_zone(a[2].as_str().unwrap_or(""))?;
    let t = date_arg(ctx, &a[1], "dateInZone")?;
    Ok(Value::from(format(t, a[0].as_str().unwrap_or(""))))
}

pub(super) fn html_date(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = date_arg(ctx, &a[0], "htmlDate")?;
    Ok(Value::from(format(t, "2006-01-02")))
}

pub(super) fn html_date_in_zone(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    check_zone(a[1].as_str().unwrap_or(""))?;
    let t = date_arg(ctx, &a[0], "htmlDateInZone")?;
    Ok(Value::from(format(t, "2006-01-02")))
}

pub(super) fn unix_epoch(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = instant_of(&a[0]).unwrap_or_default();
    Ok(Value::from(t.unix_seconds().to_string()))
}

fn add_nanos(t: Instant, d: i128) -> Result<Instant, String> {
    let total = i128::from(t.unix_seconds()) * 1_000_000_000 + i128::from(t.subsec_nanos()) + d;
    let secs = i64::try_from(total.div_euclid(1_000_000_000)).map_err(|_| "time out of range")?;
    let nanos = u32::try_from(total.rem_euclid(1_000_000_000)).unwrap_or(0);
    Ok(Instant::from_unix_nanos(secs, nanos))
}

pub(super) fn date_modify(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = instant_of(&a[1]).unwrap_or_default();
    match parse_duration(a[0].as_str().unwrap_or("")) {
        Ok(d) => Ok(time_value(add_nanos(t, d)?)),
        Err(_) => Ok(a[1].clone()),
    }
}

pub(super) fn must_date_modify(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = instant_of(&a[1]).unwrap_or_default();
    let d = parse_duration(a[0].as_str().unwrap_or(""))?;
    Ok(time_value(add_nanos(t, d)?))
}

pub(super) fn ago(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let now = ctx.now("ago")?;
    let t = date_arg(ctx, &a[0], "ago")?;
    let since = nanos_between(now, t);
    Ok(Value::from(duration_string(round_to_second(since))))
}

fn nanos_between(later: Instant, earlier: Instant) -> i128 {
    (i128::from(later.unix_seconds()) - i128::from(earlier.unix_seconds())) * 1_000_000_000
        + i128::from(later.subsec_nanos())
        - i128::from(earlier.subsec_nanos())
}

/// `Duration.Round(time.Second)`: halves away from zero.
fn round_to_second(d: i128) -> i128 {
    let s = 1_000_000_000;
    let r = d.rem_euclid(s);
    let down = d - r;
    if d >= 0 {
        if r + r < s { down } else { down + s }
    } else {
        // Go rounds the magnitude.
        -round_to_second(-d)
    }
}

/// Sprig's `duration`: seconds given as `int64` or a decimal string; other types are 0.
pub(super) fn duration(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let n: i64 = match &a[0] {
        Value::Int64(n) => *n,
        Value::String(s) => s.parse().unwrap_or(0),
        _ => 0,
    };
    Ok(Value::from(duration_string(i128::from(n) * 1_000_000_000)))
}

/// Sprig's `durationRound`: the largest whole unit (`y`, `mo`, `d`, `h`, `m`, `s`).
pub(super) fn duration_round(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let d: i128 = match &a[0] {
        Value::String(s) => parse_duration(s).unwrap_or(0),
        Value::Int64(n) => i128::from(*n),
        other => match instant_of(other) {
            Some(t) => nanos_between(ctx.now("durationRound")?, t),
            None => 0,
        },
    };
    let u = d.unsigned_abs();
    let hour: u128 = 3_600_000_000_000;
    let units: [(u128, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return Ok(Value::from(format!("{}{name}", u / size)));
        }
    }
    Ok(Value::from("0s"))
}

pub(super) fn to_date(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = parse(a[0].as_str().unwrap_or(""), a[1].as_str().unwrap_or(""))
        .unwrap_or_else(|_| zero_time());
    Ok(time_value(t))
}

pub(super) fn must_to_date(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(time_value(parse(a[0].as_str().unwrap_or(""), a[1].as_str().unwrap_or(""))?))
}

/// Go's zero `time.Time`: January 1, year 1, 00:00:00 UTC.
fn zero_time() -> Instant {
    Instant::from_unix(days_from_civil(1, 1, 1) * 86_400)
}

/// Go's `Duration.String()` of `d` nanoseconds.
fn duration_string(d: i128) -> String {
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0 => return "0s".to_owned(),
            1..=999 => (0, "ns"),
            1_000..=999_999 => (3, "µs"),
            _ => (6, "ms"),
        };
        out.push_str(&frac(u, prec));
        out.push_str(unit);
    } else {
        let secs = u / 1_000_000_000;
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s * 1_000_000_000 + u % 1_000_000_000, 9));
        out.push('s');
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// `v / 10^prec` with the fraction's trailing zeros (and a bare point) dropped.
fn frac(v: u128, prec: u32) -> String {
    let scale = 10u128.pow(prec);
    let (int, fraction) = (v / scale, v % scale);
    if fraction == 0 {
        return int.to_string();
    }
    let digits = format!("{fraction:0width$}", width = prec as usize);
    format!("{int}.{}", digits.trim_end_matches('0'))
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(s: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", crate::gostring::quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = after.bytes().take_while(|&b| b != b'.' && !b.is_ascii_digit()).count();
        let (unit, next) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", crate::gostring::quote(s)));
        }
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    crate::gostring::quote(other),
                    crate::gostring::quote(s)
                ));
            }
        };
        let int_value: i128 =
            if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| invalid())? };
        let mut value = int_value.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            let digits = &frac_part[..frac_part.len().min(18)];
            let f: i128 = digits.parse().map_err(|_| invalid())?;
            let denom = 10i128.pow(u32::try_from(digits.len()).unwrap_or(0));
            value += f * scale / denom;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > i128::from(i64::MAX) {
            return Err(invalid());
        }
        rest = next;
    }
    Ok(if neg { -total } else { total })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    /// `-0700`-like zones; `Z` true for `Z0700` forms. The text is the chunk.
    Zone(&'static str, bool),
    Tz,
    /// Fractional seconds: digits, and whether trailing zeros are dropped (`.999`).
    Frac(usize, bool, char),
}

/// Go's `nextStdChunk`: the text before the next layout element, the element, the rest.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let lower_next = |at: usize| b.get(at).is_some_and(u8::is_ascii_lowercase);
    for i in 0..b.len() {
        // Layout elements are ASCII: only character boundaries can start one.
        if !layout.is_char_boundary(i) {
            continue;
        }
        let rest = &layout[i..];
        let std = match b[i] {
            b'J' if rest.starts_with("January") => Some((Std::LongMonth, 7)),
            b'J' if rest.starts_with("Jan") && !lower_next(i + 3) => Some((Std::Month, 3)),
            b'M' if rest.starts_with("Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if rest.starts_with("Mon") && !lower_next(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if rest.starts_with("MST") => Some((Std::Tz, 3)),
            b'0' if matches!(b.get(i + 1), Some(b'1'..=b'6')) => Some((
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][usize::from(b[i + 1] - b'1')],
                2,
            )),
            b'0' if rest.starts_with("002") => Some((Std::ZeroYearDay, 3)),
            b'1' if rest.starts_with("15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if rest.starts_with("2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if rest.starts_with("_2006") => {
                return (&layout[..=i], Some(Std::LongYear), &layout[i + 5..]);
            }
            b'_' if rest.starts_with("_2") => Some((Std::UnderDay, 2)),
            b'_' if rest.starts_with("__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if rest.starts_with("PM") => Some((Std::PM, 2)),
            b'p' if rest.starts_with("pm") => Some((Std::Pm, 2)),
            b'-' | b'Z' => {
                let z = b[i] == b'Z';
                ["070000", "07:00:00", "0700", "07:00", "07"]
                    .iter()
                    .find(|f| rest[1..].starts_with(**f))
                    .map(|f| {
                        let text: &'static str = match (*f, z) {
                            ("070000", _) => "070000",
                            ("07:00:00", _) => "07:00:00",
                            ("0700", _) => "0700",
                            ("07:00", _) => "07:00",
                            _ => "07",
                        };
                        (Std::Zone(text, z), 1 + f.len())
                    })
            }
            b'.' | b',' if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let j = i + 1 + b[i + 1..].iter().take_while(|&&c| c == ch).count();
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((Std::Frac(j - i - 1, ch == b'9', char::from(b[i])), j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = std {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

/// Go's `Time.Format` in UTC.
fn format(t: Instant, layout: &str) -> String {
    let days = t.unix_seconds().div_euclid(86_400);
    let secs = t.unix_seconds().rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (secs / 3600, secs / 60 % 60, secs % 60);
    let weekday = usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0);
    let yday = days - days_from_civil(year, 1, 1) + 1;
    let mut out = String::new();
    let mut rest = layout;
    while !rest.is_empty() {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        rest = suffix;
        let Some(std) = std else { break };
        let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
        match std {
            Std::LongMonth => out.push_str(MONTHS[usize::from(month - 1)]),
            Std::Month => out.push_str(&MONTHS[usize::from(month - 1)][..3]),
            Std::NumMonth => out.push_str(&month.to_string()),
            Std::ZeroMonth => out.push_str(&format!("{month:02}")),
            Std::LongWeekDay => out.push_str(DAYS[weekday]),
            Std::WeekDay => out.push_str(&DAYS[weekday][..3]),
            Std::Day => out.push_str(&day.to_string()),
            Std::UnderDay => out.push_str(&format!("{day:>2}")),
            Std::ZeroDay => out.push_str(&format!("{day:02}")),
            Std::UnderYearDay => out.push_str(&format!("{yday:>3}")),
            Std::ZeroYearDay => out.push_str(&format!("{yday:03}")),
            Std::Hour => out.push_str(&format!("{hour:02}")),
            Std::Hour12 => out.push_str(&hour12.to_string()),
            Std::ZeroHour12 => out.push_str(&format!("{hour12:02}")),
            Std::Minute => out.push_str(&minute.to_string()),
            Std::ZeroMinute => out.push_str(&format!("{minute:02}")),
            Std::Second => out.push_str(&second.to_string()),
            Std::ZeroSecond => out.push_str(&format!("{second:02}")),
            Std::LongYear => {
                if year < 0 {
                    out.push_str(&format!("-{:04}", -year));
                } else {
                    out.push_str(&format!("{year:04}"));
                }
            }
            Std::Year => out.push_str(&format!("{:02}", year.rem_euclid(100))),
            Std::PM => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Zone(text, z) => {
                if z {
                    out.push('Z');
                } else {
                    out.push('+');
                    out.push_str(&text.replace('7', "0"));
                }
            }
            Std::Tz => out.push_str("UTC"),
            Std::Frac(n, trim, sep) => {
                let digits = format!("{:09}", t.subsec_nanos());
                let digits = &digits[..n.min(9)];
                let digits = if trim { digits.trim_end_matches('0') } else { digits };
                if !digits.is_empty() {
                    out.push(sep);
                    out.push_str(digits);
                }
            }
        }
    }
    out
}

/// Go's `time.Parse` in UTC for the layout elements templates use; zones other than UTC
/// offsets are refused.
fn parse(layout: &str, value: &str) -> Result<Instant, String> {
    let q = |s: &str| crate::gostring::quote(s);
    let cannot = |v: &str, elem: &str| {
        format!("parsing time {} as {}: cannot parse {} as {}", q(value), q(layout), q(v), q(elem))
    };
    let (mut year, mut month, mut day, mut hour, mut minute, mut second) =
        (1i64, 1u8, 1u8, 0i64, 0i64, 0i64);
    let mut nanos: u32 = 0;
    let mut pm: Option<bool> = None;
    let mut offset: i64 = 0;
    let mut l = layout;
    let mut v = value;
    loop {
        let (prefix, std, suffix) = next_chunk(l);
        let elem = &l[prefix.len()..l.len() - suffix.len()];
        let Some(stripped) = v.strip_prefix(prefix) else { return Err(cannot(v, prefix)) };
        v = stripped;
        let Some(std) = std else {
            if !v.is_empty() {
                return Err(format!("parsing time {}: extra text: {}", q(value), q(v)));
            }
            break;
        };
        l = suffix;
        let digits = |v: &str, min: usize, max: usize| -> Option<(i64, usize)> {
            let n = v.bytes().take(max).take_while(u8::is_ascii_digit).count();
            if n < min {
                return None;
            }
            Some((v[..n].parse().ok()?, n))
        };
        let take = |v: &str, n: Option<(i64, usize)>| n.ok_or_else(|| cannot(v, elem));
        match std {
            Std::LongYear => {
                let (y, n) = take(v, digits(v, 4, 4))?;
                year = y;
                v = &v[n..];
            }
            Std::Year => {
                let (y, n) = take(v, digits(v, 2, 2))?;
                year = if y >= 69 { y + 1900 } else { y + 2000 };
                v = &v[n..];
            }
            Std::ZeroMonth | Std::NumMonth => {
                let min = if std == Std::ZeroMonth { 2 } else { 1 };
                let (m, n) = take(v, digits(v, min, 2))?;
                if !(1..=12).contains(&m) {
                    return Err(format!("parsing time {}: month out of range", q(value)));
                }
                month = u8::try_from(m).unwrap_or(1);
                v = &v[n..];
            }
            Std::LongMonth | Std::Month => {
                let full = std == Std::LongMonth;
                let found = MONTHS.iter().enumerate().find(|(_, name)| {
                    let name = if full { name } else { &name[..3] };
                    v.len() >= name.len() && v[..name.len()].eq_ignore_ascii_case(name)
                });
                let Some((i, name)) = found else { return Err(cannot(v, elem)) };
                month = u8::try_from(i + 1).unwrap_or(1);
                v = &v[if full { name.len() } else { 3 }..];
            }
            Std::LongWeekDay | Std::WeekDay => {
                let full = std == Std::LongWeekDay;
                let found = DAYS.iter().find(|name| {
                    let name = if full { name } else { &name[..3] };
                    v.len() >= name.len() && v[..name.len()].eq_ignore_ascii_case(name)
                });
                let Some(name) = found else { return Err(cannot(v, elem)) };
                v = &v[if full { name.len() } else { 3 }..];
            }
            Std::Day | Std::ZeroDay | Std::UnderDay => {
                if std == Std::UnderDay {
                    v = v.strip_prefix(' ').unwrap_or(v);
                }
                let min = if std == Std::ZeroDay { 2 } else { 1 };
                let (d, n) = take(v, digits(v, min, 2))?;
                day = u8::try_from(d).unwrap_or(0);
                v = &v[n..];
            }
            Std::ZeroYearDay | Std::UnderYearDay => return Err(unsupported_element(elem)),
            Std::Hour => {
                let (h, n) = take(v, digits(v, 2, 2))?;
                if h > 23 {
                    return Err(format!("parsing time {}: hour out of range", q(value)));
                }
                hour = h;
                v = &v[n..];
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let min = if std == Std::ZeroHour12 { 2 } else { 1 };
                let (h, n) = take(v, digits(v, min, 2))?;
                if h > 12 {
                    return Err(format!("parsing time {}: hour out of range", q(value)));
                }
                hour = h;
                v = &v[n..];
            }
            Std::Minute | Std::ZeroMinute => {
                let min = if std == Std::ZeroMinute { 2 } else { 1 };
                let (m, n) = take(v, digits(v, min, 2))?;
                if m > 59 {
                    return Err(format!("parsing time {}: minute out of range", q(value)));
                }
                minute = m;
                v = &v[n..];
            }
            Std::Second | Std::ZeroSecond => {
                let min = if std == Std::ZeroSecond { 2 } else { 1 };
                let (s, n) = take(v, digits(v, min, 2))?;
                if s > 59 {
                    return Err(format!("parsing time {}: second out of range", q(value)));
                }
                second = s;
                v = &v[n..];
                // A fraction after seconds is accepted even when the layout has none.
                if let (Some(b'.' | b','), None) = (v.as_bytes().first(), l.strip_prefix('.')) {
                    let n = v[1..].bytes().take_while(u8::is_ascii_digit).count();
                    if n > 0 {
                        nanos = frac_nanos(&v[1..=n]);
                        v = &v[1 + n..];
                    }
                }
            }
            Std::Frac(n, _, _) => {
                let Some(rest) = v.strip_prefix(['.', ',']) else { return Err(cannot(v, elem)) };
                let count = rest.bytes().take_while(u8::is_ascii_digit).count();
                if count == 0 || (elem.as_bytes().get(1) == Some(&b'0') && count != n) {
                    return Err(cannot(v, elem));
                }
                nanos = frac_nanos(&rest[..count]);
                v = &rest[count..];
            }
            Std::PM | Std::Pm => {
                let word = v.get(..2).unwrap_or("");
                pm = match word.to_ascii_uppercase().as_str() {
                    "PM" => Some(true),
                    "AM" => Some(false),
                    _ => return Err(cannot(v, elem)),
                };
                v = &v[2..];
            }
            Std::Zone(_, z) => {
                if z && v.starts_with('Z') {
                    v = &v[1..];
                    continue;
                }
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(cannot(v, elem)),
                };
                let body = &v[1..];
                let (hh, n1) = take(v, digits(body, 2, 2))?;
                let mut used = 1 + n1;
                let mut mm = 0;
                if elem.len() > 3 {
                    let after = &v[used..];
                    let after = after.strip_prefix(':').map_or(after, |a| {
                        used += 1;
                        a
                    });
                    let (m, n2) = take(v, digits(after, 2, 2))?;
                    mm = m;
                    used += n2;
                }
                offset = sign * (hh * 3600 + mm * 60);
                v = &v[used..];
            }
            Std::Tz => {
                let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                if n < 3 {
                    return Err(cannot(v, elem));
                }
                if &v[..n] != "UTC" && &v[..n] != "GMT" {
                    return Err(format!(
                        "parsing time {}: zone {} needs a time zone database, which Baton does not carry",
                        q(value),
                        q(&v[..n])
                    ));
                }
                v = &v[n..];
            }
        }
    }
    if let Some(pm) = pm {
        if pm && hour < 12 {
            hour += 12;
        } else if !pm && hour == 12 {
            hour = 0;
        }
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("parsing time {}: day out of range", q(value)));
    }
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Ok(Instant::from_unix_nanos(secs, nanos))
}

fn frac_nanos(digits: &str) -> u32 {
    let d = &digits[..digits.len().min(9)];
    let padded = format!("{d:0<9}");
    padded.parse().unwrap_or(0)
}

fn unsupported_element(elem: &str) -> String {
    format!("Baton cannot parse the layout element {elem:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_like_go_time() {
        // Expected strings: Go's time/format_test.go layouts on 2009-02-04 21:00:57.012345678 UTC.
        let t = Instant::from_unix_nanos(1_233_781_257, 12_345_678);
        assert_eq!(
            format(t, "2006-01-02 15:04:05.999999999 -0700 MST"),
            "2009-02-04 21:00:57.012345678 +0000 UTC"
        );
        assert_eq!(format(t, "Mon Jan _2 15:04:05 2006"), "Wed Feb  4 21:00:57 2009");
        assert_eq!(
            format(t, "Monday, 02-Jan-06 15:04:05 MST"),
            "Wednesday, 04-Feb-09 21:00:57 UTC"
        );
        assert_eq!(format(t, "3:04PM"), "9:00PM");
        assert_eq!(format(t, "2006-01-02T15:04:05Z07:00"), "2009-02-04T21:00:57Z");
        assert_eq!(format(t, "15:04:05.000"), "21:00:57.012");
        assert_eq!(format(t, "Jan 2, 2006 at 3:04pm (MST)"), "Feb 4, 2009 at 9:00pm (UTC)");
        assert_eq!(format(t, "002 __2"), "035  35");
        // Found by fuzzing: a multi-byte character in a layout.
        assert_eq!(format(t, "2006 \u{333}< é Jan"), "2009 \u{333}< é Feb");
        let p = parse("2006-01-02", "2024-03-15").unwrap();
        assert_eq!(format(p, "2006-01-02 15:04:05"), "2024-03-15 00:00:00");
        let p = parse("2006-01-02T15:04:05Z07:00", "2024-03-15T10:20:30+02:00").unwrap();
        assert_eq!(format(p, "2006-01-02T15:04:05Z07:00"), "2024-03-15T08:20:30Z");
        assert_eq!(
            parse("2006-01-02", "2024-13-01").unwrap_err(),
            "parsing time \"2024-13-01\": month out of range"
        );
        assert_eq!(
            parse("2006-01-02", "x").unwrap_err(),
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
        assert_eq!(
            parse("2006", "2024x").unwrap_err(),
            "parsing time \"2024x\": extra text: \"x\""
        );
        // time/time_test.go durationTests and Duration.String.
        for (d, want) in [
            (0i128, "0s"),
            (1, "1ns"),
            (1_100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (4 * 60_000_000_000 + 5_000_000_000, "4m5s"),
            (4 * 60_000_000_000 + 5_001_000_000, "4m5.001s"),
            (5 * 3_600_000_000_000 + 6 * 60_000_000_000 + 7_001_000_000, "5h6m7.001s"),
            (8 * 60_000_000_000 + 1, "8m0.000000001s"),
            (-1_000_000_000, "-1s"),
        ] {
            assert_eq!(duration_string(d), want);
        }
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("1.5h").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-2m").unwrap(), -120_000_000_000);
        assert_eq!(parse_duration("x").unwrap_err(), "time: invalid duration \"x\"");
        assert_eq!(parse_duration("1").unwrap_err(), "time: missing unit in duration \"1\"");
        assert_eq!(
            parse_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
    }
}
