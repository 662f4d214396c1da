//! Tests of the `ApplicationSet` expansion.
