//! Time without a clock: durations, RFC 3339 instants and deployment windows, each line of
//! the input read as all three. Checks round trips and what `next_open`/`next_close` promise.

#![no_main]

use baton_core::gates::time::{self, Instant, Window, format_duration, parse_duration};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut instants = vec![Instant::UNIX_EPOCH, Instant::from_unix(1_795_000_000)];
    if data.len() >= 8 {
        let secs = i64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
        instants.push(Instant::from_unix(secs));
    }
    let mut windows = Vec::new();
    for line in text.lines().take(32) {
        if let Ok(secs) = parse_duration(line) {
            let _ = format_duration(secs);
        }
        if let Ok(instant) = Instant::parse_rfc3339(line) {
            let printed = instant.to_rfc3339();
            // Years beyond 9999 print with more digits than RFC 3339 has (documented).
            if printed.as_bytes().get(4) == Some(&b'-') && !printed.starts_with('-') {
                assert_eq!(
                    Instant::parse_rfc3339(&printed),
                    Ok(instant),
                    "{line:?} printed as {printed:?} does not read back"
                );
            }
            instants.push(instant);
        }
        // `days start end`, e.g. `Mon,Tue 09:00 16:00`.
        let mut parts = line.split_whitespace();
        if let (Some(days), Some(start), Some(end)) = (parts.next(), parts.next(), parts.next()) {
            let days: Vec<&str> = days.split(',').collect();
            if let Ok(w) = Window::parse(&days, start, end) {
                windows.push(w);
            }
        }
    }
    for &now in &instants {
        let _ = now.weekday();
        let _ = now.to_rfc3339();
        let _ = time::describe(&windows, now);
        let open = time::is_open(&windows, now);
        if let Some(at) = time::next_open(&windows, now) {
            assert!(
                time::is_open(&windows, at),
                "next_open({now}) = {at}, which is not open: {windows:?}"
            );
            assert!(
                at >= Instant::from_unix(now.unix_seconds() - now.unix_seconds().rem_euclid(60))
            );
        }
        if let Some(at) = time::next_close(&windows, now) {
            assert!(open);
            assert!(at > now, "next_close({now}) = {at} is not later");
            assert!(
                !time::is_open(&windows, at),
                "next_close({now}) = {at}, which is still open: {windows:?}"
            );
        }
        for secs in [0, 59, 3_600, u64::MAX] {
            let _ = now.checked_add(secs);
            let _ = now.checked_sub(secs);
            let _ = now.saturating_add(secs);
        }
        for &other in &instants {
            let _ = now.seconds_since(other);
        }
    }
});
