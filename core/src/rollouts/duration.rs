//! Pause durations as the Rollout type reads them, and Go's `time.ParseDuration`.
//!
//! `RolloutPause.DurationSeconds()` (argo-rollouts 9f8d111, `pkg/apis/rollouts/v1alpha1/types.go`)
//! takes an int as seconds; a string that `strconv.ParseInt(s, 10, 32)` accepts as seconds too;
//! any other string through `time.ParseDuration`, truncated to whole seconds with Go's
//! `int32(d.Seconds())`; an unparsable string is -1. Baton's own duration syntax
//! (`gates::time::parse_duration`) is deliberately stricter (no fractions, no `ms`), so Go's
//! grammar is written out here: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with the units `ns`, `us`,
//! `µs`, `μs`, `ms`, `s`, `m`, `h`, read from Go's `src/time/format.go`.

use super::view::IntOrStr;

const NANOS_PER_SECOND: u64 = 1_000_000_000;
/// Go's bound on a duration's magnitude in nanoseconds, `1<<63`.
const LIMIT: u64 = 1 << 63;

/// `time.ParseDuration`: the duration in nanoseconds, or Go's error message.
pub fn parse_go_duration(input: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {input:?}");
    let mut s = input;
    let mut negative = false;
    if let Some(c) = s.chars().next()
        && (c == '-' || c == '+')
    {
        negative = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let bytes = s.as_bytes();
        if !(bytes[0] == b'.' || bytes[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading integer, with Go's overflow rule.
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let mut whole: u64 = 0;
        for &b in &bytes[..digits] {
            if whole > LIMIT / 10 {
                return Err(invalid());
            }
            whole = whole * 10 + u64::from(b - b'0');
            if whole > LIMIT {
                return Err(invalid());
            }
        }
        let had_whole = digits > 0;
        s = &s[digits..];
        // Optional fraction; digits past the precision are skipped, not an error.
        let mut fraction: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut had_fraction = false;
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            had_fraction = n > 0;
            let mut overflow = false;
            for b in rest[..n].bytes() {
                if overflow || fraction > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let next = fraction * 10 + u64::from(b - b'0');
                if next > LIMIT {
                    overflow = true;
                    continue;
                }
                fraction = next;
                scale *= 10.0;
            }
            s = &rest[n..];
        }
        if !had_whole && !had_fraction {
            return Err(invalid());
        }
        let unit_len = s.bytes().take_while(|b| *b != b'.' && !b.is_ascii_digit()).count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {input:?}"));
        }
        let unit_text = &s[..unit_len];
        s = &s[unit_len..];
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => NANOS_PER_SECOND,
            "m" => 60 * NANOS_PER_SECOND,
            "h" => 3600 * NANOS_PER_SECOND,
            _ => return Err(format!("time: unknown unit {unit_text:?} in duration {input:?}")),
        };
        if whole > LIMIT / unit {
            return Err(invalid());
        }
        let mut value = whole * unit;
        if fraction > 0 {
            // Go: float64 is precise enough for fractions of the largest unit.
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let extra = (fraction as f64 * (unit as f64 / scale)) as u64;
            value += extra;
            if value > LIMIT {
                return Err(invalid());
            }
        }
        total += value;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if negative {
        // -(1<<63) is the one negative value without a positive twin.
        #[allow(clippy::cast_possible_wrap)]
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// `RolloutPause.DurationSeconds()` of a pause's `duration` (`None`: no duration set, 0).
#[must_use]
pub(crate) fn pause_seconds(duration: Option<&IntOrStr>) -> i32 {
    match duration {
        None => 0,
        // The decoder already refused ints outside int32.
        Some(IntOrStr::Int(i)) => i32::try_from(*i).unwrap_or(-1),
        Some(IntOrStr::Str(s)) => {
            if let Some(seconds) = parse_int32(s) {
                return seconds;
            }
            match parse_go_duration(s) {
                Ok(nanos) => go_int32_of_seconds(nanos),
                Err(_) => -1,
            }
        }
    }
}

/// `strconv.ParseInt(s, 10, 32)`: an optional sign and decimal digits, in int32 range.
fn parse_int32(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse::<i32>().ok()
}

/// Go's `int32(d.Seconds())`: truncation toward zero; a value outside int32 becomes
/// `math.MinInt32`, what the conversion gives on amd64, where the controller runs.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn go_int32_of_seconds(nanos: i64) -> i32 {
    // Duration.Seconds(): whole seconds plus the fraction, in float64 (which may round up).
    let seconds = (nanos / 1_000_000_000) as f64 + (nanos % 1_000_000_000) as f64 / 1e9;
    let truncated = seconds.trunc();
    if truncated >= f64::from(i32::MIN) && truncated <= f64::from(i32::MAX) {
        truncated as i32
    } else {
        i32::MIN
    }
}

/// `"<seconds>s"`, the normalized form the simulation reports.
#[must_use]
pub(crate) fn seconds_text(seconds: i64) -> String {
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_as_go_does() {
        // Expectations from Go's src/time/format.go ParseDuration and its tests.
        assert_eq!(parse_go_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_go_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_go_duration(".5s"), Ok(500_000_000));
        assert_eq!(parse_go_duration("-2m"), Ok(-120_000_000_000));
        assert_eq!(parse_go_duration("+5s"), Ok(5_000_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("1\u{b5}s"), Ok(1_000));
        assert_eq!(parse_go_duration("3h2m1.5s"), Ok(10_921_500_000_000));
        assert_eq!(
            parse_go_duration("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(parse_go_duration("10"), Err("time: missing unit in duration \"10\"".into()));
        assert_eq!(parse_go_duration(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(parse_go_duration(".s"), Err("time: invalid duration \".s\"".into()));
        assert_eq!(
            parse_go_duration("9999999999999999999h"),
            Err("time: invalid duration \"9999999999999999999h\"".into())
        );
        assert_eq!(parse_go_duration("2562047h47m16.854775807s"), Ok(i64::MAX));
        assert_eq!(parse_go_duration("-2562047h47m16.854775808s"), Ok(i64::MIN));
    }

    #[test]
    fn pause_seconds_follow_duration_seconds() {
        // argo-rollouts 9f8d111 types.go RolloutPause.DurationSeconds.
        let s = |v: &str| pause_seconds(Some(&IntOrStr::Str(v.into())));
        assert_eq!(pause_seconds(None), 0);
        assert_eq!(pause_seconds(Some(&IntOrStr::Int(30))), 30);
        assert_eq!(pause_seconds(Some(&IntOrStr::Int(-5))), -5);
        assert_eq!(s("45"), 45);
        assert_eq!(s("-5"), -5);
        assert_eq!(s("5m"), 300);
        assert_eq!(s("1h30m"), 5400);
        assert_eq!(s("500ms"), 0);
        assert_eq!(s("1d"), -1);
        assert_eq!(s("10x"), -1);
        assert_eq!(s("-2m"), -120);
        // Out of int32 as an integer: not seconds, and no unit for ParseDuration.
        assert_eq!(s("99999999999"), -1);
        // int32(d.Seconds()) out of range gives MinInt32 on amd64.
        assert_eq!(s("1000000h"), i32::MIN);
    }
}
