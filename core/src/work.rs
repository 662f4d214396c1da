//! Counting the engine's work in steps, and stopping it at a limit.
//!
//! No input may hang the engine, and "hang" has to be checkable without a clock: the core has
//! none, and a timed test is flaky. So the loops whose cost depends on the input's shape
//! (glob and CODEOWNERS matching, app discovery, rendered comparisons, diffs) spend steps on a
//! [`Meter`], and renders are charged by what they read and print. A test can then say "this
//! operation on this input takes at most N steps" deterministically, natively and in wasm.
//!
//! A meter may carry a limit. Past it, [`Meter::spend`] answers `false` and metered loops stop
//! early; the operation reports an incomplete result (`R013`). Hosts do not set a limit by
//! default: the algorithms are polynomial, and the limit is for tests and watchdogs.

/// A step counter with an optional limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meter {
    spent: u64,
    limit: Option<u64>,
}

impl Meter {
    /// A meter without a limit.
    #[must_use]
    pub fn new() -> Self {
        Meter::default()
    }

    /// A meter that stops work after `limit` steps.
    #[must_use]
    pub fn with_limit(limit: u64) -> Self {
        Meter { spent: 0, limit: Some(limit) }
    }

    /// Records `steps` of work. Returns whether work may go on (the limit is not passed).
    pub fn spend(&mut self, steps: u64) -> bool {
        self.spent = self.spent.saturating_add(steps);
        !self.exhausted()
    }

    /// Steps spent so far.
    #[must_use]
    pub fn spent(&self) -> u64 {
        self.spent
    }

    /// The limit, if any.
    #[must_use]
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Sets or removes the limit (steps already spent count against it).
    pub fn set_limit(&mut self, limit: Option<u64>) {
        self.limit = limit;
    }

    /// Whether the limit has been passed.
    #[must_use]
    pub fn exhausted(&self) -> bool {
        self.limit.is_some_and(|limit| self.spent > limit)
    }

    /// The diagnostic an operation adds when it stopped at the limit.
    #[must_use]
    pub fn exhausted_diagnostic(&self, operation: &str) -> crate::Diagnostic {
        crate::Diagnostic::new(
            crate::Code::WorkLimit,
            format!(
                "{operation} stopped after {} steps (the work limit is {}); its result is incomplete",
                self.spent,
                self.limit.unwrap_or_default()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Meter;

    #[test]
    fn counts_and_stops_at_the_limit() {
        let mut unlimited = Meter::new();
        assert!(unlimited.spend(u64::MAX));
        assert!(unlimited.spend(1), "saturates instead of overflowing");
        assert_eq!(unlimited.spent(), u64::MAX);
        let mut meter = Meter::with_limit(10);
        assert!(meter.spend(10));
        assert!(!meter.exhausted());
        assert!(!meter.spend(1));
        assert!(meter.exhausted());
        assert_eq!(meter.exhausted_diagnostic("status").code, "R013");
        meter.set_limit(None);
        assert!(!meter.exhausted());
    }
}
