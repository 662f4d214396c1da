//! Table-driven tests. Each expectation comes from Go's `text/template` (exec_test.go,
//! parse_test.go, multi_test.go) or `fmt` (fmt_test.go), or Sprig v3.3.0's tests and code,
//! as noted beside each group.

use super::*;

fn data() -> Value {
    Value::any_map([
        ("s", Value::from("hi")),
        ("i", Value::from(3i64)),
        ("f", Value::from(1_000_000.0)),
        ("b", Value::from(true)),
        ("l", Value::string_list(["x", "y"])),
        ("m", Value::any_map([("b", Value::from(2i64)), ("a", Value::from(1i64))])),
        ("n", Value::Nil),
        ("e", Value::from("")),
    ])
}

fn run(text: &str) -> Result<String, String> {
    run_with(text, &data(), &ExecOptions::default())
}

fn run_with(text: &str, data: &Value, options: &ExecOptions) -> Result<String, String> {
    let t = Template::parse("t", text, &Funcs::builtin()).map_err(|e| e.message)?;
    t.execute(data, options).map_err(|e| e.message)
}

#[track_caller]
fn check(cases: &[(&str, &str)]) {
    for (text, want) in cases {
        let got = match run(text) {
            Ok(s) => s,
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(&got, want, "template {text:?}");
    }
}

#[test]
fn smoke() {
    check(&[
        ("{{.s}}", "hi"),
        ("{{.m}}", "map[a:1 b:2]"),
        ("{{.l}}", "[x y]"),
        ("{{.f}}", "1e+06"),
    ]);
}
