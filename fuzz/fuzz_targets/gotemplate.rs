//! Go templates: parse and execute any text with Sprig's generic or hermetic functions, each
//! `missingkey` mode and a clock, against data shaped like ApplicationSet parameters.
//! Besides "no panic, no hang": error spans lie in the text, output stays under the limit,
//! and execution is deterministic.

#![no_main]

use baton_core::gotemplate::{ExecOptions, Funcs, Instant, Limits, MissingKey, Template, Value};
use libfuzzer_sys::fuzz_target;

fn data() -> Value {
    let cluster = Value::any_map([
        ("name", Value::from("in-cluster")),
        ("server", Value::from("https://kubernetes.default.svc")),
        ("metadata", Value::any_map([("labels", Value::any_map([("env", Value::from("prod"))]))])),
    ]);
    Value::any_map([
        ("cluster", cluster),
        ("path", Value::any_map([("segments", Value::string_list(["apps", "web"]))])),
        ("replicas", Value::from(3.0)),
        ("big", Value::from(1_000_000.0)),
        ("enabled", Value::from(true)),
        ("none", Value::Nil),
        ("list", Value::any_list(vec![Value::from("a"), Value::from(1.5), Value::Nil])),
    ])
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(input) = std::str::from_utf8(bytes) else { return };
    // The first byte picks the function set and the missingkey mode.
    let mode = input.bytes().next().unwrap_or(0);
    let text = input.get(1..).unwrap_or("");
    let funcs = if mode & 1 == 0 { Funcs::generic() } else { Funcs::hermetic() };
    let missing_key = match (mode >> 1) % 3 {
        0 => MissingKey::Default,
        1 => MissingKey::Zero,
        _ => MissingKey::Error,
    };
    let limits = Limits { max_steps: 20_000, max_output: 64 * 1024, max_depth: 20 };
    let options = ExecOptions {
        missing_key,
        now: Some(Instant::from_unix(1_714_557_600)),
        limits,
    };
    let template = match Template::parse("fuzz", text, &funcs) {
        Ok(t) => t,
        Err(e) => {
            if let Some(span) = e.span {
                assert!(span.start <= span.end && span.end as usize <= text.len());
            }
            return;
        }
    };
    let data = data();
    let first = template.execute(&data, &options);
    match &first {
        Ok(out) => assert!(out.len() <= limits.max_output),
        Err(e) => {
            assert!(e.message.starts_with("template: "));
            if let Some(span) = e.span {
                assert!(span.start <= span.end && span.end as usize <= text.len());
            }
        }
    }
    assert_eq!(first, template.execute(&data, &options), "execution is deterministic");
});
