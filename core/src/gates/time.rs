//! Time for gates, without a clock: instants, durations and deployment windows as values.
//!
//! The core never asks the system what time it is; the host passes "now" in as an [`Instant`],
//! which keeps every gate decision reproducible (the same inputs give the same plan, natively
//! and in wasm, today and in a test written for a date years away). Hence everything here is
//! arithmetic on integers, with no time-zone database:
//!
//! - [`Instant`] is seconds (and nanoseconds) since the Unix epoch in UTC, on the proleptic
//!   Gregorian calendar. [`Instant::parse_rfc3339`] takes RFC 3339 timestamps, converts any
//!   offset to UTC, and refuses what is not a real moment (February 30, hour 24, a missing zone)
//!   with a message saying which part is wrong. Leap seconds (`:60`) are refused, because Unix
//!   time has no place for them. Civil dates use Howard Hinnant's day-count algorithms, exact
//!   for every year.
//! - Durations are whole seconds (`u64`), written `2h`, `30m`, `45s`, `1d` or compounds like
//!   `1h30m` and `1d12h` (Go's syntax plus `d`, integers only, units from largest to smallest,
//!   each at most once, so `30m1h` and `1h1h` are typos rather than silently summed).
//!   [`format_duration`] prints the short form used in messages (`35m`, `1h 5m`, `2d 3h`).
//! - A [`Window`] is a set of weekdays and a `[start, end)` range of minutes, always in UTC:
//!   start inclusive, end exclusive, so a `09:00`–`16:00` window is open at 09:00 and closed
//!   at 16:00. `24:00` may end a window. A window whose end is not after its start runs
//!   overnight and belongs to the day it starts on: Friday `22:00`–`02:00` is open from Friday
//!   22:00 until Saturday 02:00, and a Sunday overnight window runs into Monday. Windows are
//!   checked as intervals on the circle of minutes of the week, so week wrap needs no special
//!   case; [`next_open`] finds the nearest window start within the coming week (every window
//!   recurs weekly, so nothing later than 8 days ahead can be the first).

use std::fmt::{self, Write as _};
use std::str::FromStr;

/// Seconds in a day.
pub const DAY: u64 = 86_400;

const MINUTES_PER_DAY: i64 = 1_440;
const MINUTES_PER_WEEK: i64 = 7 * MINUTES_PER_DAY;
const SECONDS_PER_DAY: i64 = 86_400;

/// Why a time value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    #[error("`{input}` is not an RFC 3339 timestamp: {reason}")]
    Timestamp { input: String, reason: String },
    #[error("`{input}` is not a duration: {reason}")]
    Duration { input: String, reason: String },
    #[error("`{0}` is not a day of the week (use Mon, Tue, ... or Monday, Tuesday, ...)")]
    Day(String),
    #[error("`{input}` is not a time of day: {reason}")]
    TimeOfDay { input: String, reason: String },
    #[error("invalid deployment window: {0}")]
    Window(String),
}

/// A moment in time: seconds since 1970-01-01T00:00:00Z plus nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant {
    secs: i64,
    /// Always below 1e9, so the derived ordering is chronological.
    nanos: u32,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DaySet(u8);

/// A weekly deployment window in UTC: open on `days` from `start` (inclusive) to `end`
/// (exclusive), both in minutes after midnight. `end <= start` makes it an overnight window that
/// ends on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub days: DaySet,
    /// Minutes after midnight, `0..1440`.
    pub start: u16,
    /// Minutes after midnight, `0..=1440`.
    pub end: u16,
}

impl Instant {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Instant = Instant { secs: 0, nanos: 0 };

    /// The instant `secs` seconds after the Unix epoch (before it, if negative).
    #[must_use]
    pub const fn from_unix(secs: i64) -> Instant {
        Instant { secs, nanos: 0 }
    }

    /// A UTC date and time on the proleptic Gregorian calendar, if it exists.
    #[must_use]
    pub fn from_utc(
        year: i64,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Option<Instant> {
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        if !valid {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let secs = days
            .checked_mul(SECONDS_PER_DAY)?
            .checked_add(i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second))?;
        Some(Instant::from_unix(secs))
    }

    /// Parses an RFC 3339 timestamp such as `2026-11-26T09:30:00Z`, `2026-11-26t11:30:00.25+02:00`
    /// or `2026-11-26 09:30:00z` (RFC 3339 allows a space for the `T`).
    pub fn parse_rfc3339(s: &str) -> Result<Instant, TimeError> {
        Rfc3339 { input: s, bytes: s.as_bytes(), pos: 0 }.parse()
    }

    /// Seconds since the Unix epoch plus nanoseconds (carried into seconds past 1e9).
    #[must_use]
    pub const fn from_unix_nanos(secs: i64, nanos: u32) -> Instant {
        Instant { secs: secs + (nanos / 1_000_000_000) as i64, nanos: nanos % 1_000_000_000 }
    }

    /// Whole seconds since the Unix epoch (rounded down).
    #[must_use]
    pub const fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// The fraction of the second, in nanoseconds.
    #[must_use]
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// The day of the week in UTC.
    #[must_use]
    pub fn weekday(self) -> Weekday {
        Weekday::from_index(self.days().rem_euclid(7) as usize + 3)
    }

    /// Minutes since UTC midnight, `0..1440`.
    #[must_use]
    pub fn minutes_of_day(self) -> u16 {
        (self.secs.rem_euclid(SECONDS_PER_DAY) / 60) as u16
    }

    /// Midnight UTC at the start of this instant's day.
    #[must_use]
    pub fn start_of_day(self) -> Instant {
        Instant::from_unix(self.days() * SECONDS_PER_DAY)
    }

    /// The UTC timestamp, `YYYY-MM-DDTHH:MM:SSZ`, with a fraction only when there is one.
    /// Years outside 0000–9999 print with more digits, which RFC 3339 cannot express.
    #[must_use]
    pub fn to_rfc3339(self) -> String {
        let (year, month, day) = civil_from_days(self.days());
        let secs = self.secs.rem_euclid(SECONDS_PER_DAY);
        let (hour, minute, second) = (secs / 3600, secs / 60 % 60, secs % 60);
        let mut out = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        if self.nanos != 0 {
            let fraction = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }

    /// `secs` seconds later, or `None` past the end of representable time.
    #[must_use]
    pub fn checked_add(self, secs: u64) -> Option<Instant> {
        let secs = self.secs.checked_add(i64::try_from(secs).ok()?)?;
        Some(Instant { secs, nanos: self.nanos })
    }

    /// `secs` seconds earlier, or `None` before the start of representable time.
    #[must_use]
    pub fn checked_sub(self, secs: u64) -> Option<Instant> {
        let secs = self.secs.checked_sub(i64::try_from(secs).ok()?)?;
        Some(Instant { secs, nanos: self.nanos })
    }

    /// `secs` seconds later, stopping at the largest representable instant.
    #[must_use]
    pub fn saturating_add(self, secs: u64) -> Instant {
        self.checked_add(secs).unwrap_or(Instant { secs: i64::MAX, nanos: 999_999_999 })
    }

    /// Whole seconds from `earlier` to `self` (rounded down), or `None` if `earlier` is later.
    #[must_use]
    pub fn seconds_since(self, earlier: Instant) -> Option<u64> {
        if earlier > self {
            return None;
        }
        let whole = i128::from(self.secs) - i128::from(earlier.secs);
        let whole = if self.nanos < earlier.nanos { whole - 1 } else { whole };
        u64::try_from(whole).ok()
    }

    fn days(self) -> i64 {
        self.secs.div_euclid(SECONDS_PER_DAY)
    }

    /// This instant with the seconds and fraction dropped.
    fn floor_to_minute(self) -> Instant {
        Instant::from_unix(self.secs - self.secs.rem_euclid(60))
    }

    /// Minutes since Monday 00:00 UTC of this instant's week.
    fn minute_of_week(self) -> i64 {
        self.weekday().number() * MINUTES_PER_DAY + i64::from(self.minutes_of_day())
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl FromStr for Instant {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Instant, TimeError> {
        Instant::parse_rfc3339(s)
    }
}

impl Weekday {
    /// Monday first, as ISO 8601 counts.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// Reads `Mon` or `Monday` (any case, surrounding spaces ignored).
    pub fn parse(name: &str) -> Result<Weekday, TimeError> {
        const FULL: [&str; 7] =
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let trimmed = name.trim();
        FULL.iter()
            .position(|full| {
                trimmed.eq_ignore_ascii_case(full) || trimmed.eq_ignore_ascii_case(&full[..3])
            })
            .map(Weekday::from_index)
            .ok_or_else(|| TimeError::Day(name.to_string()))
    }

    /// `Mon`, `Tue`, ...
    #[must_use]
    pub fn short_name(self) -> &'static str {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][self.index()]
    }

    /// 0 for Monday through 6 for Sunday.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The following day (Sunday is followed by Monday).
    #[must_use]
    pub fn succ(self) -> Weekday {
        Weekday::from_index(self.index() + 1)
    }

    /// The day before (Monday follows Sunday).
    #[must_use]
    pub fn pred(self) -> Weekday {
        Weekday::from_index(self.index() + 6)
    }

    /// [`Weekday::index`] for day arithmetic.
    fn number(self) -> i64 {
        i64::from(self as u8)
    }

    /// The weekday with index `i` modulo 7.
    fn from_index(i: usize) -> Weekday {
        Weekday::ALL[i % 7]
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

impl DaySet {
    pub const EMPTY: DaySet = DaySet(0);
    pub const ALL: DaySet = DaySet(0x7f);

    #[must_use]
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.index()) != 0
    }

    pub fn insert(&mut self, day: Weekday) {
        self.0 |= 1 << day.index();
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }

    /// The days in the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL.into_iter().filter(move |&day| self.contains(day))
    }
}

impl FromIterator<Weekday> for DaySet {
    fn from_iter<I: IntoIterator<Item = Weekday>>(days: I) -> DaySet {
        let mut set = DaySet::EMPTY;
        for day in days {
            set.insert(day);
        }
        set
    }
}

impl Window {
    /// Reads a window from its configuration: day names (`Mon` or `Monday`, any case), and
    /// `start`/`end` as 24-hour `HH:MM` (`end` may also be `24:00`).
    pub fn parse<S: AsRef<str>>(days: &[S], start: &str, end: &str) -> Result<Window, TimeError> {
        let days =
            days.iter().map(|d| Weekday::parse(d.as_ref())).collect::<Result<DaySet, _>>()?;
        if days.is_empty() {
            return Err(TimeError::Window("a window needs at least one day".into()));
        }
        let start_minutes = parse_time_of_day(start, false)?;
        let end_minutes = parse_time_of_day(end, true)?;
        if start_minutes == end_minutes {
            return Err(TimeError::Window(format!(
                "`{start}`–`{end}` is empty: start and end are the same"
            )));
        }
        Ok(Window { days, start: start_minutes, end: end_minutes })
    }

    /// Whether the window runs past midnight into the next day.
    #[must_use]
    pub fn is_overnight(self) -> bool {
        self.end <= self.start
    }

    /// Whether the window is open at `now`.
    #[must_use]
    pub fn contains(self, now: Instant) -> bool {
        let minute = now.minute_of_week();
        self.intervals().any(|(from, len)| (minute - from).rem_euclid(MINUTES_PER_WEEK) < len)
    }

    /// Length in minutes of one opening (`1..=1440`).
    fn length(self) -> i64 {
        let (start, end) = (i64::from(self.start), i64::from(self.end));
        let len = if end > start { end - start } else { end + MINUTES_PER_DAY - start };
        len.clamp(0, MINUTES_PER_DAY)
    }

    /// Each opening as (minute of the week it starts, length in minutes).
    fn intervals(self) -> impl Iterator<Item = (i64, i64)> {
        let start = i64::from(self.start);
        self.days.iter().map(move |day| (day.number() * MINUTES_PER_DAY + start, self.length()))
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days: Vec<&str> = self.days.iter().map(Weekday::short_name).collect();
        write!(f, "{} {}-{} UTC", days.join(","), hhmm(self.start), hhmm(self.end))
    }
}

/// Whether any window is open at `now`.
#[must_use]
pub fn is_open(windows: &[Window], now: Instant) -> bool {
    windows.iter().any(|window| window.contains(now))
}

/// When a window is next open: `now` itself if one is open, else the nearest window start
/// (looking at most 8 days ahead). `None` when there are no windows (or none with any days).
#[must_use]
pub fn next_open(windows: &[Window], now: Instant) -> Option<Instant> {
    if is_open(windows, now) {
        return Some(now);
    }
    let minute = now.minute_of_week();
    let ahead = windows
        .iter()
        .copied()
        .flat_map(Window::intervals)
        .map(|(from, _)| match (from - minute).rem_euclid(MINUTES_PER_WEEK) {
            0 => MINUTES_PER_WEEK,
            minutes => minutes,
        })
        .min()?;
    now.floor_to_minute().checked_add(ahead.unsigned_abs() * 60)
}

/// When the open windows close: the end of the run of (possibly overlapping or back-to-back)
/// windows open at `now`. `None` if none is open now, or if they never close within 8 days.
#[must_use]
pub fn next_close(windows: &[Window], now: Instant) -> Option<Instant> {
    if !is_open(windows, now) {
        return None;
    }
    let minute = now.minute_of_week();
    let intervals: Vec<(i64, i64)> = windows.iter().copied().flat_map(Window::intervals).collect();
    let limit = 8 * MINUTES_PER_DAY;
    let mut elapsed = 0;
    // Each step jumps to the furthest end among the openings covering the current minute, so
    // an opening is used at most once per trip round the week; needing more steps than there
    // are openings means the windows cover the whole week, which is "never closes" too.
    for _ in 0..=intervals.len() {
        let at = minute + elapsed;
        let furthest = intervals
            .iter()
            .filter_map(|&(from, len)| {
                let into = (at - from).rem_euclid(MINUTES_PER_WEEK);
                (into < len).then_some(len - into)
            })
            .max();
        match furthest {
            None => return now.floor_to_minute().checked_add(elapsed.unsigned_abs() * 60),
            Some(more) => elapsed += more,
        }
        if elapsed >= limit {
            return None;
        }
    }
    None
}

/// A status line for messages: `window closes 16:00 UTC` (with the day when it is not today),
/// `window opens Mon 09:00 UTC`, `window is always open`, or `no deployment window is defined`.
#[must_use]
pub fn describe(windows: &[Window], now: Instant) -> String {
    if is_open(windows, now) {
        return match next_close(windows, now) {
            Some(close) if close.start_of_day() == now.start_of_day() => {
                format!("window closes {} UTC", hhmm(close.minutes_of_day()))
            }
            Some(close) => {
                format!("window closes {} {} UTC", close.weekday(), hhmm(close.minutes_of_day()))
            }
            None => "window is always open".to_string(),
        };
    }
    match next_open(windows, now) {
        Some(open) => {
            format!("window opens {} {} UTC", open.weekday(), hhmm(open.minutes_of_day()))
        }
        None => "no deployment window is defined".to_string(),
    }
}

/// Reads a duration: `45s`, `30m`, `2h`, `1d`, or compounds such as `1h30m` and `1d12h`.
pub fn parse_duration(s: &str) -> Result<u64, TimeError> {
    let err = |reason: String| TimeError::Duration { input: s.to_string(), reason };
    if s.is_empty() {
        return Err(err("it is empty; write e.g. `30m` or `1h30m`".into()));
    }
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut total: u64 = 0;
    // The units seen so far must each be smaller than the last.
    let mut last_unit: Option<usize> = None;
    while pos < bytes.len() {
        let digits_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        let digits = &s[digits_start..pos];
        if digits.is_empty() {
            return Err(err(match bytes[pos] {
                b'-' => "durations cannot be negative".into(),
                _ => format!("expected a number at `{}`", &s[pos..]),
            }));
        }
        if bytes.get(pos) == Some(&b'.') {
            return Err(err(
                "fractions are not supported; combine units instead, e.g. `1h30m`".into()
            ));
        }
        let unit_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
            pos += 1;
        }
        let unit = &s[unit_start..pos];
        let Some(rank) = ["d", "h", "m", "s"].iter().position(|u| *u == unit) else {
            return Err(err(if unit.is_empty() {
                format!("`{digits}` needs a unit: d, h, m or s")
            } else {
                format!("unknown unit `{unit}` (use d, h, m or s)")
            }));
        };
        if last_unit.is_some_and(|last| rank <= last) {
            return Err(err(
                "units must go from largest to smallest, each once (`1h30m`, not `30m1h`)".into(),
            ));
        }
        last_unit = Some(rank);
        let scale = [DAY, 3600, 60, 1][rank];
        let value = digits.parse::<u64>().ok().and_then(|n| n.checked_mul(scale));
        total = value
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| err("it is too large".into()))?;
    }
    Ok(total)
}

/// A short human form for messages: the largest unit and the next one down when it is not
/// zero, rounded down (`45s`, `35m`, `1h 5m`, `2d 3h`, `0s`).
#[must_use]
pub fn format_duration(secs: u64) -> String {
    let units = [(DAY, "d"), (3600, "h"), (60, "m"), (1, "s")];
    let Some(first) = units.iter().position(|&(size, _)| secs >= size) else {
        return "0s".to_string();
    };
    let (size, name) = units[first];
    let mut out = format!("{}{name}", secs / size);
    if let Some(&(next_size, next_name)) = units.get(first + 1) {
        let rest = secs % size / next_size;
        if rest != 0 {
            let _ = write!(out, " {rest}{next_name}");
        }
    }
    out
}

/// Reads `HH:MM` (two digits each, 24-hour) as minutes after midnight; `24:00` only if
/// `allow_24` (the end of a window).
fn parse_time_of_day(s: &str, allow_24: bool) -> Result<u16, TimeError> {
    let err =
        |reason: &str| TimeError::TimeOfDay { input: s.to_string(), reason: reason.to_string() };
    let b = s.as_bytes();
    let shape_ok =
        b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
    if !shape_ok {
        return Err(err("write it as HH:MM, 24-hour, e.g. `09:00` or `16:30`"));
    }
    let hour = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
    let minute = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
    if minute > 59 {
        return Err(err("minutes must be 00-59"));
    }
    match hour {
        0..=23 => Ok(hour * 60 + minute),
        24 if allow_24 && minute == 0 => Ok(1440),
        24 if allow_24 => Err(err("24:00 is the latest end of a day")),
        _ => Err(err(if allow_24 {
            "hours must be 00-23 (or 24:00 to end at midnight)"
        } else {
            "hours must be 00-23"
        })),
    }
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=12 and 1..=31).
    (year, u8::try_from(month).unwrap_or(1), u8::try_from(day).unwrap_or(1))
}

/// A cursor over an RFC 3339 timestamp.
struct Rfc3339<'s> {
    input: &'s str,
    bytes: &'s [u8],
    pos: usize,
}

impl Rfc3339<'_> {
    fn parse(mut self) -> Result<Instant, TimeError> {
        let year = self.number(4, "a four-digit year")?;
        self.expect(b"-", "`-` after the year")?;
        let month = self.number(2, "a two-digit month")?;
        self.expect(b"-", "`-` after the month")?;
        let day = self.number(2, "a two-digit day")?;
        self.expect(b"Tt ", "`T` between the date and the time")?;
        let hour = self.number(2, "a two-digit hour")?;
        self.expect(b":", "`:` after the hour")?;
        let minute = self.number(2, "two-digit minutes")?;
        self.expect(b":", "`:` and seconds after the minutes")?;
        let second = self.number(2, "two-digit seconds")?;
        let nanos = self.fraction()?;
        let offset = self.offset()?;
        if self.pos != self.bytes.len() {
            return Err(
                self.error(format!("unexpected `{}` after the time zone", &self.input[self.pos..]))
            );
        }

        if !(1..=12).contains(&month) {
            return Err(self.error(format!("month {month:02} does not exist")));
        }
        let (year, month, day) = (i64::from(year), month as u8, day as u8);
        if day == 0 || day > days_in_month(year, month) {
            return Err(self.error(format!("{year:04}-{month:02} has no day {day:02}")));
        }
        if hour > 23 {
            return Err(self.error(format!("hour {hour:02} does not exist (hours are 00-23)")));
        }
        if minute > 59 {
            return Err(self.error(format!("minute {minute:02} does not exist")));
        }
        if second == 60 {
            return Err(self.error("leap seconds (`:60`) are not supported".into()));
        }
        if second > 60 {
            return Err(self.error(format!("second {second:02} does not exist")));
        }
        let local = Instant::from_utc(year, month, day, hour as u8, minute as u8, second as u8)
            .ok_or_else(|| self.error("it is out of range".into()))?;
        let utc = local.secs - offset;
        Ok(Instant { secs: utc, nanos })
    }

    fn error(&self, reason: String) -> TimeError {
        TimeError::Timestamp { input: self.input.to_string(), reason }
    }

    /// Exactly `width` ASCII digits.
    fn number(&mut self, width: usize, what: &str) -> Result<u32, TimeError> {
        let digits =
            self.bytes.get(self.pos..self.pos + width).filter(|d| d.iter().all(u8::is_ascii_digit));
        let Some(digits) = digits else {
            if self.pos >= self.bytes.len() {
                return Err(self.error(format!("it ends where {what} should be")));
            }
            return Err(self.error(format!("expected {what} at byte {}", self.pos)));
        };
        self.pos += width;
        Ok(digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }

    /// One of `options` (case as given).
    fn expect(&mut self, options: &[u8], what: &str) -> Result<(), TimeError> {
        match self.bytes.get(self.pos) {
            Some(b) if options.contains(b) => {
                self.pos += 1;
                Ok(())
            }
            None => Err(self.error(format!("it ends where {what} should be"))),
            Some(_) => Err(self.error(format!("expected {what} at byte {}", self.pos))),
        }
    }

    /// An optional `.digits`, as nanoseconds (digits past the ninth are dropped).
    fn fraction(&mut self) -> Result<u32, TimeError> {
        if self.bytes.get(self.pos) != Some(&b'.') {
            return Ok(0);
        }
        self.pos += 1;
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error("expected digits after the decimal point".into()));
        }
        let mut nanos = 0;
        for i in 0..9 {
            let digit =
                self.bytes.get(start + i).filter(|_| start + i < self.pos).map_or(0, |d| d - b'0');
            nanos = nanos * 10 + u32::from(digit);
        }
        Ok(nanos)
    }

    /// `Z`/`z` or `±HH:MM`, as seconds east of UTC.
    fn offset(&mut self) -> Result<i64, TimeError> {
        let sign = match self.bytes.get(self.pos) {
            None => {
                return Err(self.error(
                    "the time zone is missing (add `Z` or an offset like `+02:00`)".into(),
                ));
            }
            Some(b'Z' | b'z') => {
                self.pos += 1;
                return Ok(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => {
                return Err(self.error(format!(
                    "expected `Z` or an offset like `+02:00` at byte {}",
                    self.pos
                )));
            }
        };
        self.pos += 1;
        let hours = self.number(2, "a two-digit offset hour")?;
        self.expect(b":", "`:` in the offset")?;
        let minutes = self.number(2, "two-digit offset minutes")?;
        if hours > 23 || minutes > 59 {
            return Err(self.error(format!("offset {hours:02}:{minutes:02} is out of range")));
        }
        Ok(sign * (i64::from(hours) * 3600 + i64::from(minutes) * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        Instant::parse_rfc3339(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn window(days: &[&str], start: &str, end: &str) -> Window {
        Window::parse(days, start, end).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_rfc3339_to_utc() {
        let cases: &[(&str, &str, i64)] = &[
            ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", 0),
            ("2026-11-26T09:30:00Z", "2026-11-26T09:30:00Z", 1_795_685_400),
            ("2026-11-26t09:30:00z", "2026-11-26T09:30:00Z", 1_795_685_400),
            ("2026-11-26 09:30:00Z", "2026-11-26T09:30:00Z", 1_795_685_400),
            ("2026-11-26T11:30:00+02:00", "2026-11-26T09:30:00Z", 1_795_685_400),
            ("2026-11-26T04:00:00-05:30", "2026-11-26T09:30:00Z", 1_795_685_400),
            ("2026-11-26T09:30:00-00:00", "2026-11-26T09:30:00Z", 1_795_685_400),
            // Offsets move the date across midnight, month, and year ends.
            ("2026-01-01T01:00:00+02:00", "2025-12-31T23:00:00Z", 1_767_222_000),
            ("2024-02-28T23:30:00-01:00", "2024-02-29T00:30:00Z", 1_709_166_600),
            ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z", -1),
            ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z", 951_825_600),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", -62_167_219_200),
            ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", 253_402_300_799),
            ("2026-11-26T09:30:00.5Z", "2026-11-26T09:30:00.5Z", 1_795_685_400),
            ("2026-11-26T09:30:00.123456789123Z", "2026-11-26T09:30:00.123456789Z", 1_795_685_400),
            ("2026-11-26T09:30:00.000Z", "2026-11-26T09:30:00Z", 1_795_685_400),
        ];
        for &(input, utc, unix) in cases {
            let instant = at(input);
            assert_eq!(instant.to_rfc3339(), utc, "{input}");
            assert_eq!(instant.unix_seconds(), unix, "{input}");
            assert_eq!(at(utc), instant, "round trip of {input}");
        }
        assert_eq!(at("2026-11-26T09:30:00.25Z").subsec_nanos(), 250_000_000);
        assert_eq!(
            "2026-11-26T09:30:00Z".parse::<Instant>(),
            Ok(Instant::from_unix(1_795_685_400))
        );
    }

    #[test]
    fn rejects_what_is_not_a_moment() {
        let cases: &[(&str, &str)] = &[
            ("", "ends where a four-digit year"),
            ("2026-11-26", "ends where `T`"),
            ("2026-11-26T09:30:00", "time zone is missing"),
            ("2026-11-26T09:30Z", "`:` and seconds"),
            ("2026-02-30T00:00:00Z", "2026-02 has no day 30"),
            ("2026-02-29T00:00:00Z", "2026-02 has no day 29"),
            ("1900-02-29T00:00:00Z", "1900-02 has no day 29"),
            ("2026-04-31T00:00:00Z", "2026-04 has no day 31"),
            ("2026-00-10T00:00:00Z", "month 00"),
            ("2026-13-10T00:00:00Z", "month 13"),
            ("2026-01-00T00:00:00Z", "no day 00"),
            ("2026-11-26T24:00:00Z", "hour 24"),
            ("2026-11-26T09:60:00Z", "minute 60"),
            ("2026-12-31T23:59:60Z", "leap seconds"),
            ("2026-11-26T09:30:61Z", "second 61"),
            ("2026-11-26T09:30:00.Z", "digits after the decimal point"),
            ("2026-11-26T09:30:00+2:00", "two-digit offset hour"),
            ("2026-11-26T09:30:00+0200", "`:` in the offset"),
            ("2026-11-26T09:30:00+24:00", "offset 24:00"),
            ("2026-11-26T09:30:00Zjunk", "unexpected `junk`"),
            ("2026-11-26T09:30:00 UTC", "expected `Z`"),
            ("26-11-26T09:30:00Z", "four-digit year"),
            ("2026-1-26T09:30:00Z", "two-digit month"),
            ("2026-11-26X09:30:00Z", "`T` between"),
            ("２０２６-11-26T09:30:00Z", "four-digit year"),
            ("-2026-11-26T09:30:00Z", "four-digit year"),
        ];
        for &(input, reason) in cases {
            let err = Instant::parse_rfc3339(input).expect_err(input).to_string();
            assert!(err.contains(reason), "{input}: {err}");
            assert!(err.contains("is not an RFC 3339 timestamp"), "{err}");
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rules() {
        for (year, leap) in
            [(2024, true), (2026, false), (2000, true), (1900, false), (2100, false), (2400, true)]
        {
            assert_eq!(Instant::from_utc(year, 2, 29, 0, 0, 0).is_some(), leap, "{year}");
            let start = Instant::from_utc(year, 1, 1, 0, 0, 0).expect("valid");
            let next = Instant::from_utc(year + 1, 1, 1, 0, 0, 0).expect("valid");
            let days = next.seconds_since(start).expect("ordered") / DAY;
            assert_eq!(days, if leap { 366 } else { 365 }, "{year}");
        }
    }

    #[test]
    fn civil_dates_round_trip_over_a_long_range() {
        // Every day from 1600 to 2500, with weekdays advancing one at a time.
        let first = days_from_civil(1600, 1, 1);
        let mut weekday = Instant::from_unix(first * SECONDS_PER_DAY).weekday();
        for days in first..days_from_civil(2500, 1, 1) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(Instant::from_unix(days * SECONDS_PER_DAY).weekday(), weekday);
            weekday = weekday.succ();
        }
    }

    #[test]
    fn weekdays_and_minutes() {
        let cases: &[(&str, Weekday, u16)] = &[
            ("1970-01-01T00:00:00Z", Weekday::Thu, 0),
            ("2026-11-26T09:30:00Z", Weekday::Thu, 570),
            ("2026-11-30T23:59:59Z", Weekday::Mon, 1439),
            ("2026-11-29T12:00:00+14:00", Weekday::Sat, 1320),
            ("2000-01-01T00:00:00Z", Weekday::Sat, 0),
            ("1969-12-31T23:00:00Z", Weekday::Wed, 1380),
            ("1600-03-01T00:00:00Z", Weekday::Wed, 0),
        ];
        for &(input, day, minutes) in cases {
            assert_eq!(
                (at(input).weekday(), at(input).minutes_of_day()),
                (day, minutes),
                "{input}"
            );
        }
        assert_eq!(Weekday::Sun.succ(), Weekday::Mon);
        assert_eq!(Weekday::Mon.pred(), Weekday::Sun);
    }

    #[test]
    fn arithmetic() {
        let t = at("2026-11-26T09:30:00.5Z");
        assert_eq!(
            t.checked_add(90 * 60).map(Instant::to_rfc3339).as_deref(),
            Some("2026-11-26T11:00:00.5Z")
        );
        assert_eq!(
            t.checked_sub(DAY).map(Instant::to_rfc3339).as_deref(),
            Some("2026-11-25T09:30:00.5Z")
        );
        assert_eq!(t.checked_add(u64::MAX), None);
        assert_eq!(Instant::from_unix(i64::MAX).checked_add(1), None);
        assert_eq!(Instant::from_unix(i64::MIN).checked_sub(1), None);
        assert!(t.saturating_add(u64::MAX) > t);
        assert_eq!(at("2026-11-26T10:00:00Z").seconds_since(t), Some(1799));
        assert_eq!(at("2026-11-26T10:00:00.5Z").seconds_since(t), Some(1800));
        assert_eq!(t.seconds_since(at("2026-11-26T10:00:00Z")), None);
        assert_eq!(t.seconds_since(t), Some(0));
        assert_eq!(t.start_of_day().to_rfc3339(), "2026-11-26T00:00:00Z");
        assert_eq!(Instant::from_unix(-1).start_of_day().to_rfc3339(), "1969-12-31T00:00:00Z");
        assert!(at("2026-11-26T09:30:00.1Z") < at("2026-11-26T09:30:00.2Z"));
        // Extreme instants still format without panicking.
        assert!(!Instant::from_unix(i64::MAX).to_rfc3339().is_empty());
        assert!(!Instant::from_unix(i64::MIN).to_rfc3339().is_empty());
        let _ =
            (Instant::from_unix(i64::MIN).weekday(), Instant::from_unix(i64::MAX).minutes_of_day());
    }

    #[test]
    fn durations() {
        let ok: &[(&str, u64)] = &[
            ("45s", 45),
            ("30m", 1800),
            ("2h", 7200),
            ("1d", 86_400),
            ("1h30m", 5400),
            ("1d12h", 129_600),
            ("1d2h3m4s", 93_784),
            ("0s", 0),
            ("90m", 5400),
            ("007m", 420),
            ("213503982334601d", 213_503_982_334_601 * 86_400),
        ];
        for &(input, secs) in ok {
            assert_eq!(parse_duration(input), Ok(secs), "{input}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("-5m", "negative"),
            ("5", "needs a unit"),
            ("0", "needs a unit"),
            ("5w", "unknown unit `w`"),
            ("5ms", "unknown unit `ms`"),
            ("5H", "unknown unit `H`"),
            ("1.5h", "fractions"),
            ("30m1h", "largest to smallest"),
            ("1h1h", "largest to smallest"),
            ("h", "expected a number"),
            ("1h 30m", "expected a number"),
            (" 1h", "expected a number"),
            ("+1h", "expected a number"),
            ("213503982334602d", "too large"),
            ("99999999999999999999s", "too large"),
            ("1d18446744073709551615s", "too large"),
        ];
        for &(input, reason) in bad {
            let err = parse_duration(input).expect_err(input).to_string();
            assert!(err.contains(reason) && err.contains("is not a duration"), "{input}: {err}");
        }
    }

    #[test]
    fn formats_durations_shortly() {
        let cases: &[(u64, &str)] = &[
            (0, "0s"),
            (1, "1s"),
            (45, "45s"),
            (60, "1m"),
            (90, "1m 30s"),
            (2100, "35m"),
            (3600, "1h"),
            (3900, "1h 5m"),
            (3959, "1h 5m"),
            (86_400, "1d"),
            (86_460, "1d"),
            (183_600, "2d 3h"),
            (u64::MAX, "213503982334601d 7h"),
        ];
        for &(secs, text) in cases {
            assert_eq!(format_duration(secs), text, "{secs}");
        }
        for text in ["35m", "2d", "45s"] {
            assert_eq!(format_duration(parse_duration(text).expect("valid")), text);
        }
    }

    #[test]
    fn parses_windows() {
        let w = window(&["Mon", "tuesday", "WED", "Thu", "fri", "Fri"], "09:00", "16:30");
        assert_eq!(w.days.iter().collect::<Vec<_>>(), Weekday::ALL[..5].to_vec());
        assert_eq!((w.start, w.end, w.is_overnight()), (540, 990, false));
        assert_eq!(w.to_string(), "Mon,Tue,Wed,Thu,Fri 09:00-16:30 UTC");
        assert_eq!(window(&["sun"], "00:00", "24:00").end, 1440);
        assert!(window(&["Fri"], "22:00", "02:00").is_overnight());
        let bad: &[(&[&str], &str, &str, &str)] = &[
            (&[], "09:00", "10:00", "at least one day"),
            (&["Funday"], "09:00", "10:00", "`Funday` is not a day"),
            (&["Mo"], "09:00", "10:00", "`Mo` is not a day"),
            (&["Mon"], "9:00", "10:00", "HH:MM"),
            (&["Mon"], "09:00", "10:60", "minutes must be 00-59"),
            (&["Mon"], "24:00", "10:00", "hours must be 00-23"),
            (&["Mon"], "09:00", "24:30", "24:00 is the latest"),
            (&["Mon"], "09:00", "25:00", "hours must be 00-23"),
            (&["Mon"], "09:00", "09:00", "empty"),
            (&["Mon"], "09:00", "", "HH:MM"),
            (&["Mon"], "０9:00", "10:00", "HH:MM"),
        ];
        for &(days, start, end, reason) in bad {
            let err = Window::parse(days, start, end).expect_err(reason).to_string();
            assert!(err.contains(reason), "{days:?} {start} {end}: {err}");
        }
    }

    #[test]
    fn open_is_start_inclusive_and_end_exclusive() {
        let windows = [window(&["Mon", "Tue", "Wed", "Thu"], "09:00", "16:00")];
        // 2026-11-26 is a Thursday, 2026-11-27 a Friday.
        let cases: &[(&str, bool)] = &[
            ("2026-11-26T08:59:59Z", false),
            ("2026-11-26T09:00:00Z", true),
            ("2026-11-26T12:00:00Z", true),
            ("2026-11-26T15:59:59.999Z", true),
            ("2026-11-26T16:00:00Z", false),
            ("2026-11-27T10:00:00Z", false),
            ("2026-11-26T10:00:00+02:00", false), // 08:00 UTC
            ("2026-11-26T11:00:00+02:00", true),  // 09:00 UTC
            ("2026-11-26T18:30:00+02:00", false), // 16:30 UTC
        ];
        for &(input, open) in cases {
            assert_eq!(is_open(&windows, at(input)), open, "{input}");
        }
        assert!(!is_open(&[], at("2026-11-26T12:00:00Z")));
    }

    #[test]
    fn overnight_windows_belong_to_their_start_day() {
        let fri = [window(&["Fri"], "22:00", "02:00")];
        let sun = [window(&["Sun"], "23:00", "01:00")];
        let cases: &[(&[Window], &str, bool)] = &[
            (&fri, "2026-11-27T21:59:00Z", false), // Friday
            (&fri, "2026-11-27T22:00:00Z", true),
            (&fri, "2026-11-27T23:59:59Z", true),
            (&fri, "2026-11-28T00:00:00Z", true), // Saturday, still Friday's window
            (&fri, "2026-11-28T01:59:00Z", true),
            (&fri, "2026-11-28T02:00:00Z", false),
            (&fri, "2026-11-28T22:30:00Z", false), // Saturday night is not Friday
            (&fri, "2026-11-27T01:00:00Z", false), // Friday early morning belongs to Thursday
            (&sun, "2026-11-29T23:30:00Z", true),  // Sunday
            (&sun, "2026-11-30T00:30:00Z", true),  // Monday: the week wraps
            (&sun, "2026-11-30T01:00:00Z", false),
            (&sun, "2026-11-23T00:30:00Z", true), // the Monday before, after the previous Sunday
        ];
        for &(windows, input, open) in cases {
            assert_eq!(is_open(windows, at(input)), open, "{input}");
        }
    }

    #[test]
    fn next_open_and_close() {
        let weekdays = [window(&["Mon", "Tue", "Wed", "Thu", "Fri"], "09:00", "16:00")];
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            // (now, next open, next close)
            ("2026-11-26T08:00:00Z", Some("2026-11-26T09:00:00Z"), None),
            ("2026-11-26T08:59:30.5Z", Some("2026-11-26T09:00:00Z"), None),
            ("2026-11-26T09:00:00Z", Some("2026-11-26T09:00:00Z"), Some("2026-11-26T16:00:00Z")),
            ("2026-11-26T15:59:59Z", Some("2026-11-26T15:59:59Z"), Some("2026-11-26T16:00:00Z")),
            ("2026-11-26T16:00:00Z", Some("2026-11-27T09:00:00Z"), None),
            ("2026-11-27T16:00:00Z", Some("2026-11-30T09:00:00Z"), None), // Friday → Monday
            ("2026-11-29T23:59:59Z", Some("2026-11-30T09:00:00Z"), None), // Sunday → Monday
        ];
        for &(now, open, close) in cases {
            let now = at(now);
            assert_eq!(
                next_open(&weekdays, now).map(Instant::to_rfc3339).as_deref(),
                open,
                "{now}"
            );
            assert_eq!(
                next_close(&weekdays, now).map(Instant::to_rfc3339).as_deref(),
                close,
                "{now}"
            );
        }
        // A window only on the current weekday, just missed: a week ahead.
        let thursday = [window(&["Thu"], "09:00", "10:00")];
        let next = next_open(&thursday, at("2026-11-26T10:00:00Z")).map(Instant::to_rfc3339);
        assert_eq!(next.as_deref(), Some("2026-12-03T09:00:00Z"));
        let next = next_open(&thursday, at("2026-11-26T09:00:30Z")).map(Instant::to_rfc3339);
        assert_eq!(next.as_deref(), Some("2026-11-26T09:00:30Z"));
        assert_eq!(next_open(&[], at("2026-11-26T10:00:00Z")), None);
        let no_days = [Window { days: DaySet::EMPTY, start: 0, end: 60 }];
        assert_eq!(next_open(&no_days, at("2026-11-26T10:00:00Z")), None);
    }

    #[test]
    fn touching_and_overlapping_windows_close_together() {
        let windows = [
            window(&["Fri"], "22:00", "02:00"),
            window(&["Sat"], "01:00", "03:00"),
            window(&["Sat"], "03:00", "04:30"),
        ];
        let close = next_close(&windows, at("2026-11-27T23:00:00Z")).map(Instant::to_rfc3339);
        assert_eq!(close.as_deref(), Some("2026-11-28T04:30:00Z"));
        let always = [window(&["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "00:00", "24:00")];
        assert_eq!(next_close(&always, at("2026-11-26T10:00:00Z")), None);
        let overnight_all_week =
            [window(&["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "12:00", "12:01")];
        let close =
            next_close(&overnight_all_week, at("2026-11-26T12:00:00Z")).map(Instant::to_rfc3339);
        assert_eq!(close.as_deref(), Some("2026-11-26T12:01:00Z"));
    }

    #[test]
    fn describes_the_window_state() {
        let windows = [window(&["Mon", "Tue", "Wed", "Thu", "Fri"], "09:00", "16:00")];
        let overnight = [window(&["Thu"], "22:00", "02:00")];
        let always = [window(&["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "00:00", "24:00")];
        let cases: &[(&[Window], &str, &str)] = &[
            (&windows, "2026-11-26T12:00:00Z", "window closes 16:00 UTC"),
            (&windows, "2026-11-26T17:00:00Z", "window opens Fri 09:00 UTC"),
            (&windows, "2026-11-28T10:00:00Z", "window opens Mon 09:00 UTC"),
            (&overnight, "2026-11-26T23:00:00Z", "window closes Fri 02:00 UTC"),
            (&overnight, "2026-11-27T01:00:00Z", "window closes 02:00 UTC"),
            (&always, "2026-11-26T12:00:00Z", "window is always open"),
            (&[], "2026-11-26T12:00:00Z", "no deployment window is defined"),
        ];
        for &(windows, now, text) in cases {
            assert_eq!(describe(windows, at(now)), text, "{now}");
        }
    }

    #[test]
    fn weekday_names() {
        for (i, day) in Weekday::ALL.into_iter().enumerate() {
            assert_eq!(day.index(), i);
            assert_eq!(Weekday::parse(day.short_name()), Ok(day));
            assert_eq!(Weekday::parse(&day.short_name().to_uppercase()), Ok(day));
        }
        assert_eq!(Weekday::parse(" Sunday "), Ok(Weekday::Sun));
        assert_eq!(Weekday::parse("thursday"), Ok(Weekday::Thu));
        assert!(Weekday::parse("thur").is_err());
        assert!(Weekday::parse("").is_err());
        assert!(Weekday::parse("mondays").is_err());
    }
}
