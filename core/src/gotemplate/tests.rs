//! Table-driven tests. Each expectation comes from Go's sources and tests (Go 1.26:
//! `src/text/template/exec_test.go`, `parse/parse_test.go`, `parse/lex_test.go`,
//! `multi_test.go`; `src/fmt/fmt_test.go`) or from Sprig v3.3.0 (`*_test.go` and code),
//! as noted beside each group. Where a test file has no case for a rule, the expectation is
//! derived by following the cited function in Go's code; the function is named.

use std::rc::Rc;

use super::*;
use crate::diagnostic::Span;

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
        ("sm", Value::string_map([("k", "v")])),
    ])
}

fn run_funcs(text: &str, data: &Value, options: &ExecOptions, funcs: &Funcs) -> String {
    let result = Template::parse("t", text, funcs).and_then(|t| t.execute(data, options));
    match result {
        Ok(s) => s,
        Err(e) => format!("ERR {}", e.message),
    }
}

#[track_caller]
fn check_with(funcs: &Funcs, data: &Value, options: &ExecOptions, cases: &[(&str, &str)]) {
    for (text, want) in cases {
        let got = run_funcs(text, data, options, funcs);
        assert_eq!(&got, want, "template {text:?}");
    }
}

#[track_caller]
fn check(cases: &[(&str, &str)]) {
    check_with(&Funcs::builtin(), &data(), &ExecOptions::default(), cases);
}

#[test]
fn printing_values() {
    // exec_test.go ("map", "nil", "empty"...) and fmt's %v of maps, slices, floats.
    check(&[
        ("{{.s}}", "hi"),
        ("{{.i}}", "3"),
        ("{{.f}}", "1e+06"),
        ("{{.b}}", "true"),
        ("{{.l}}", "[x y]"),
        ("{{.m}}", "map[a:1 b:2]"),
        ("{{.missing}}", "<no value>"),
        ("{{.n}}", "<no value>"),
        ("{{.sm.k}}", "v"),
        ("{{.sm.nope}}", "<no value>"),
        ("{{index .sm \"nope\"}}", ""),
        ("{{index .m \"nope\"}}", "<no value>"),
        ("{{.}}", "map[b:true e: f:1e+06 i:3 l:[x y] m:map[a:1 b:2] n:<nil> s:hi sm:map[k:v]]"),
        ("{{$}}", "map[b:true e: f:1e+06 i:3 l:[x y] m:map[a:1 b:2] n:<nil> s:hi sm:map[k:v]]"),
        ("{{.m.a}}", "1"),
        ("{{.missing.x}}", "<no value>"),
        ("a{{/* comment */}}b", "ab"),
        ("a {{- /* comment */ -}} b", "ab"),
        ("plain text", "plain text"),
        ("", ""),
    ]);
}

#[test]
fn literals() {
    // parse_test.go numberTests and exec_test.go ("ideal int", "hex", "float"...).
    check(&[
        ("{{1.5}}", "1.5"),
        ("{{1e3}}", "1000"),
        ("{{0x1F}}", "31"),
        ("{{0x1E}}", "30"),
        ("{{'a'}}", "97"),
        ("{{'\\n'}}", "10"),
        ("{{1_000}}", "1000"),
        ("{{0o17}}", "15"),
        ("{{017}}", "15"),
        ("{{0b101}}", "5"),
        ("{{-1}}", "-1"),
        ("{{+7}}", "7"),
        ("{{0x1p4}}", "16"),
        ("{{.5}}", "0.5"),
        ("{{true}}", "true"),
        ("{{\"a\\tb\\u00e9\\x41\\101\"}}", "a\tbéAA"),
        ("{{`raw\\n`}}", "raw\\n"),
        ("{{printf \"%T %T %T %T\" 1 1.0 'a' 0x10}}", "int float64 int int"),
        (
            "{{1i}}",
            "ERR template: t:1: complex constant 1i: Baton does not support complex numbers in templates",
        ),
        (
            "{{99999999999999999999}}",
            "ERR template: t:1: integer overflow: \"99999999999999999999\"",
        ),
        (
            "{{0xFFFFFFFFFFFFFFFF}}",
            "ERR template: t:1:2: executing \"t\" at <0xFFFFFFFFFFFFFFFF>: 0xFFFFFFFFFFFFFFFF overflows int",
        ),
        ("{{1_}}", "ERR template: t:1: illegal number syntax: \"1_\""),
        ("{{\"\\z\"}}", "ERR template: t:1: invalid syntax"),
        ("{{'ab'}}", "ERR template: t:1: malformed character constant: 'ab'"),
        ("{{3k}}", "ERR template: t:1: bad number syntax: \"3k\""),
        ("{{nil}}", "ERR template: t:1:2: executing \"t\" at <nil>: nil is not a command"),
    ]);
}

#[test]
fn trim_markers() {
    // lex_test.go "trimming spaces..." and exec_test.go "trim left/right".
    check(&[
        ("a  {{- .s -}}  b", "ahib"),
        ("x\n{{- 3}}", "x3"),
        ("{{3 -}}\n y", "3y"),
        ("{{-3}}", "-3"),
        ("{{- 3 -}}", "3"),
        ("a \t\r\n{{- .s}}", "ahi"),
        ("{{.s -}}\n\n\tz", "hiz"),
        ("{{.s\n}}", "hi"),
    ]);
}

#[test]
fn variables_and_control() {
    // exec_test.go: "$x := ...", "$x = ...", if/else-if, with/else-with (Go 1.23),
    // range over slices, maps (sorted), ints (Go 1.22), break/continue (Go 1.18).
    check(&[
        ("{{$x := 1}}{{$x}}", "1"),
        ("{{$x := 1}}{{$x = 2}}{{$x}}", "2"),
        ("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"),
        ("{{with $x := .s}}{{$x}}{{end}}", "hi"),
        ("{{if .b}}yes{{else}}no{{end}}", "yes"),
        ("{{if .e}}yes{{else if .i}}i{{end}}", "i"),
        ("{{if .e}}1{{else if .missing}}2{{else}}3{{end}}", "3"),
        ("{{with .missing}}x{{else with .s}}{{.}}{{end}}", "hi"),
        ("{{with .e}}x{{else}}empty{{end}}", "empty"),
        ("{{with .m}}{{.a}}{{end}}", "1"),
        ("{{range .l}}({{.}}){{end}}", "(x)(y)"),
        ("{{range $i, $v := .l}}{{$i}}={{$v}};{{end}}", "0=x;1=y;"),
        ("{{range $k, $v := .m}}{{$k}}{{$v}}{{end}}", "a1b2"),
        ("{{range .missing}}x{{else}}none{{end}}", "none"),
        ("{{range .l}}{{$.s}}{{end}}", "hihi"),
        ("{{range 3}}{{.}}{{end}}", "012"),
        ("{{range $i := 3}}{{$i}}{{end}}", "012"),
        ("{{range 0}}x{{else}}none{{end}}", "none"),
        (
            "{{range $i, $j := 3}}{{end}}",
            "ERR template: t:1:18: executing \"t\" at <3>: can't use 3 to iterate over more than one variable",
        ),
        ("{{range .l}}{{if eq . \"x\"}}{{continue}}{{end}}{{.}}{{end}}", "y"),
        ("{{range .l}}{{.}}{{break}}{{end}}", "x"),
        ("{{$v := 0}}{{range $v = .l}}{{end}}{{$v}}", "y"),
        ("{{$i := 0}}{{$v := 0}}{{range $i, $v = .l}}{{end}}{{$i}}{{$v}}", "1y"),
        (
            "{{range .s}}{{end}}",
            "ERR template: t:1:8: executing \"t\" at <.s>: range can't iterate over hi",
        ),
        (
            "{{range .f}}{{end}}",
            "ERR template: t:1:8: executing \"t\" at <.f>: range can't iterate over 1e+06",
        ),
        ("{{if $x := .s}}{{$x}}{{end}}", "hi"),
        ("{{(1)}}", "1"),
        ("{{(.m).a}}", "1"),
        ("{{.s | printf \"%s!\"}}", "hi!"),
        ("{{\"x\" | printf \"%s-%s\" \"y\"}}", "y-x"),
    ]);
}

#[test]
fn templates() {
    // multi_test.go and exec_test.go "template", "block"; maxExecDepth message (exec.go).
    check(&[
        ("{{define \"x\"}}X{{.}}{{end}}{{template \"x\" .s}}", "Xhi"),
        ("{{define \"x\"}}X{{.}}{{end}}{{template \"x\"}}", "X<no value>"),
        ("{{block \"b\" .s}}[{{.}}]{{end}}", "[hi]"),
        ("{{define \"t\"}}own{{end}}", "own"),
        (
            "{{template \"nope\"}}",
            "ERR template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined",
        ),
        (
            "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}",
            "ERR template: t:1:25: executing \"r\" at <{{template \"r\" .}}>: exceeded maximum template depth (100)",
        ),
        (
            "{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}",
            "ERR template: t:1: template: multiple definition of template \"a\"",
        ),
        ("{{define \"a\"}} {{end}}{{define \"a\"}}2{{end}}{{template \"a\"}}", "2"),
        ("{{define \"v\"}}{{$x := 1}}{{end}}{{$x := 2}}{{template \"v\"}}{{$x}}", "2"),
        ("{{define \"e\"}}{{.x.y}}{{end}}{{template \"e\" .}}", "<no value>"),
        (
            "{{define \"e\"}}\n{{.s.y}}{{end}}{{template \"e\" .}}",
            "ERR template: t:2:4: executing \"e\" at <.s.y>: can't evaluate field y in type interface {}",
        ),
    ]);
}

#[test]
fn field_errors() {
    // exec.go evalField messages; exec_test.go "bad field", "nil pointer".
    check(&[
        (
            "{{.s.x}}",
            "ERR template: t:1:4: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}",
        ),
        (
            "a\n{{.s.x}}",
            "ERR template: t:2:4: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}",
        ),
        (
            "{{.n.x}}",
            "ERR template: t:1:4: executing \"t\" at <.n.x>: nil pointer evaluating interface {}.x",
        ),
        (
            "{{.sm.k.z}}",
            "ERR template: t:1:5: executing \"t\" at <.sm.k.z>: can't evaluate field z in type string",
        ),
        (
            "{{.s 1}}",
            "ERR template: t:1:2: executing \"t\" at <.s>: s is not a method but has arguments",
        ),
        (
            "{{.s | .s}}",
            "ERR template: t:1:7: executing \"t\" at <.s>: s is not a method but has arguments",
        ),
        (
            "{{$x := 1}}{{$x 2}}",
            "ERR template: t:1:13: executing \"t\" at <$x>: can't give argument to non-function $x",
        ),
        (
            "{{1 2}}",
            "ERR template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1",
        ),
        ("{{nil.x}}", "ERR template: t:1: unexpected . after term \"nil\""),
        ("{{(nil).x}}", "ERR template: t:1:3: executing \"t\" at <nil>: nil is not a command"),
        (
            "{{(.l).x}}",
            "ERR template: t:1:3: executing \"t\" at <.l>: can't evaluate field x in type []string",
        ),
    ]);
}

#[test]
fn parse_errors() {
    // parse_test.go errorTests and lex.go messages.
    check(&[
        ("{{$x}}", "ERR template: t:1: undefined variable \"$x\""),
        ("{{nonesuch}}", "ERR template: t:1: function \"nonesuch\" not defined"),
        ("{{.s", "ERR template: t:1: unclosed action"),
        ("{{if .b\n", "ERR template: t:2: unclosed action started at t:1"),
        ("{{if .b}}x", "ERR template: t:1: unexpected EOF"),
        ("{{end}}", "ERR template: t:1: unexpected {{end}}"),
        ("{{else}}", "ERR template: t:1: unexpected {{else}}"),
        ("{{if}}{{end}}", "ERR template: t:1: missing value for if"),
        ("{{range .l}}{{else}}{{else}}{{end}}", "ERR template: t:1: expected end; found {{else}}"),
        ("{{(1}}", "ERR template: t:1: unclosed left paren"),
        ("{{1)}}", "ERR template: t:1: unexpected right paren"),
        ("{{1 | 2}}", "ERR template: t:1: non executable command in pipeline stage 2"),
        ("{{.s.}}", "ERR template: t:1: unexpected <.> in operand"),
        ("{{break}}", "ERR template: t:1: {{break}} outside {{range}}"),
        (
            "{{range .l}}{{continue 1}}{{end}}",
            "ERR template: t:1: unexpected \"1\" in {{continue}}",
        ),
        ("{{/* x", "ERR template: t:1: unclosed comment"),
        ("{{/* x */ .}}", "ERR template: t:1: comment ends before closing delimiter"),
        ("{{\"abc}}", "ERR template: t:1: unterminated quoted string"),
        ("{{`abc}}", "ERR template: t:1: unterminated raw quoted string"),
        ("{{'a}}", "ERR template: t:1: unterminated character constant"),
        ("{{.s#}}", "ERR template: t:1: bad character U+0023 '#'"),
        ("{{é}}", "ERR template: t:1: function \"é\" not defined"),
        ("{{\u{1}}}", "ERR template: t:1: unrecognized character in action: U+0001"),
        ("{{x :}}", "ERR template: t:1: function \"x\" not defined"),
        ("{{$ :}}", "ERR template: t:1: expected :="),
        ("{{$x :}}", "ERR template: t:1: undefined variable \"$x\""),
        ("{{range $a, $b, $c := .l}}{{end}}", "ERR template: t:1: too many declarations in range"),
        ("{{$a, $b := 1}}", "ERR template: t:1: too many declarations in command"),
        ("{{range $a, 1}}{{end}}", "ERR template: t:1: range can only initialize variables"),
        ("{{template .s}}", "ERR template: t:1: unexpected \".s\" in template clause"),
        (
            "{{define \"x\"}}{{else}}{{end}}",
            "ERR template: t:1: unexpected {{else}} in define clause",
        ),
        ("{{define 1}}{{end}}", "ERR template: t:1: unexpected \"1\" in define clause"),
        (
            "{{.s | printf \"verylongstring\" 12345678901}}",
            "verylongstring%!(EXTRA int=12345678901, string=hi)",
        ),
        ("{{if .b}}{{else if}}{{end}}", "ERR template: t:1: missing value for if"),
        (
            "{{with .b}}{{else}}{{else with .s}}{{end}}",
            "ERR template: t:1: expected end; found {{else}}",
        ),
        ("{{| .s}}", "ERR template: t:1: unexpected \"|\" in command"),
        ("{{printf \"a\" \"bcdefghijklm\" = }}", "ERR template: t:1: unexpected \"=\" in operand"),
    ]);
}

#[test]
fn builtin_functions() {
    // exec_test.go "len", "index", "slice", "not", "and", "or", "html", "js", "urlquery",
    // "print"; funcs.go messages.
    check(&[
        ("{{len .l}}", "2"),
        ("{{len .s}}", "2"),
        ("{{len .m}}", "2"),
        (
            "{{len .i}}",
            "ERR template: t:1:2: executing \"t\" at <len .i>: error calling len: len of type int",
        ),
        (
            "{{len .n}}",
            "ERR template: t:1:2: executing \"t\" at <len .n>: error calling len: len of nil pointer",
        ),
        (
            "{{len .missing}}",
            "ERR template: t:1:2: executing \"t\" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value",
        ),
        ("{{index .l 1}}", "y"),
        ("{{index .l}}", "[x y]"),
        ("{{index .m \"a\"}}", "1"),
        ("{{index . \"m\" \"b\"}}", "2"),
        ("{{index .s 0}}", "104"),
        (
            "{{index .l 5}}",
            "ERR template: t:1:2: executing \"t\" at <index .l 5>: error calling index: index out of range: 5",
        ),
        (
            "{{index .l 2}}",
            "ERR template: t:1:2: executing \"t\" at <index .l 2>: error calling index: reflect: slice index out of range",
        ),
        (
            "{{index .l -1}}",
            "ERR template: t:1:2: executing \"t\" at <index .l -1>: error calling index: index out of range: -1",
        ),
        (
            "{{index .l \"a\"}}",
            "ERR template: t:1:2: executing \"t\" at <index .l \"a\">: error calling index: cannot index slice/array with type string",
        ),
        (
            "{{index .m 1}}",
            "ERR template: t:1:2: executing \"t\" at <index .m 1>: error calling index: value has type int; should be string",
        ),
        (
            "{{index .i 1}}",
            "ERR template: t:1:2: executing \"t\" at <index .i 1>: error calling index: can't index item of type int",
        ),
        (
            "{{index .missing 1}}",
            "ERR template: t:1:2: executing \"t\" at <index .missing 1>: error calling index: index of untyped nil",
        ),
        ("{{slice .l 1}}", "[y]"),
        ("{{slice .l}}", "[x y]"),
        ("{{slice .s 0 1}}", "h"),
        (
            "{{slice .l 2 1}}",
            "ERR template: t:1:2: executing \"t\" at <slice .l 2 1>: error calling slice: invalid slice index: 2 > 1",
        ),
        (
            "{{slice .s 0 1 2}}",
            "ERR template: t:1:2: executing \"t\" at <slice .s 0 1 2>: error calling slice: cannot 3-index slice a string",
        ),
        ("{{not .e}}", "true"),
        ("{{not .n}}", "true"),
        ("{{not 1}}", "false"),
        ("{{and 1 0 2}}", "0"),
        ("{{and 1 2}}", "2"),
        ("{{or 0 \"\" \"z\"}}", "z"),
        ("{{or 0 \"\"}}", ""),
        ("{{and .b .s}}", "hi"),
        ("{{or .missing}}", "<no value>"),
        ("{{and false (index .l 9)}}", "false"),
        ("{{or true .s.x}}", "true"),
        ("{{.s | and 1}}", "hi"),
        (
            "{{and}}",
            "ERR template: t:1:2: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0",
        ),
        ("{{html \"<a href='x'>&\\\"\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"),
        ("{{html 1 2}}", "1 2"),
        ("{{js \"a'b<c>=&\\\\\"}}", "a\\'b\\u003Cc\\u003E\\u003D\\u0026\\\\"),
        ("{{js \"\\n\"}}", "\\u000A"),
        ("{{urlquery \"a b&c/é\"}}", "a+b%26c%2F%C3%A9"),
        ("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"),
        ("{{println 1 \"a\"}}", "1 a\n"),
        ("{{print nil}}", "<nil>"),
        ("{{print .missing}}", "<nil>"),
        ("{{print}}", ""),
        (
            "{{printf}}",
            "ERR template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0",
        ),
        ("{{printf 1}}", "ERR template: t:1:9: executing \"t\" at <1>: expected string; found 1"),
        (
            "{{.i | printf}}",
            "ERR template: t:1:7: executing \"t\" at <printf>: wrong type for value; expected string; got int",
        ),
        (
            "{{call .s}}",
            "ERR template: t:1:2: executing \"t\" at <call .s>: error calling call: non-function .s of type string",
        ),
        (
            "{{call .missing}}",
            "ERR template: t:1:2: executing \"t\" at <call .missing>: error calling call: call of nil",
        ),
    ]);
}

#[test]
fn comparisons() {
    // exec_test.go cmpTests ("eq 1 1", "lt 1 2", "eq .Ptr .NilPtr"...) and funcs.go errors.
    check(&[
        ("{{eq 1 1}}", "true"),
        ("{{eq .i 3}}", "true"),
        ("{{eq .s \"x\" \"hi\"}}", "true"),
        ("{{eq .s \"x\" \"y\"}}", "false"),
        ("{{eq 1.5 1.5}}", "true"),
        ("{{eq true false}}", "false"),
        ("{{eq .missing nil}}", "true"),
        ("{{eq .n nil}}", "true"),
        ("{{eq \"a\" nil}}", "false"),
        (
            "{{eq 1 \"a\"}}",
            "ERR template: t:1:2: executing \"t\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison: int and string",
        ),
        (
            "{{eq 1 1.0}}",
            "ERR template: t:1:2: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible types for comparison: int and float64",
        ),
        (
            "{{eq .l .l}}",
            "ERR template: t:1:2: executing \"t\" at <eq .l .l>: error calling eq: non-comparable type [x y]: []string",
        ),
        (
            "{{eq .l .m}}",
            "ERR template: t:1:2: executing \"t\" at <eq .l .m>: error calling eq: non-comparable types [x y]: []string, map[string]interface {}: map[a:1 b:2]",
        ),
        (
            "{{eq 1}}",
            "ERR template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison",
        ),
        ("{{ne 1 2}}", "true"),
        ("{{ne \"a\" \"a\"}}", "false"),
        ("{{lt 1 2}}", "true"),
        ("{{lt 2 1}}", "false"),
        ("{{lt \"a\" \"b\"}}", "true"),
        ("{{lt 1.5 2.5}}", "true"),
        ("{{le 2 2}}", "true"),
        ("{{gt \"b\" \"a\"}}", "true"),
        ("{{gt 1 1}}", "false"),
        ("{{ge 1.5 1.5}}", "true"),
        ("{{ge 1 2}}", "false"),
        (
            "{{lt 1 2.5}}",
            "ERR template: t:1:2: executing \"t\" at <lt 1 2.5>: error calling lt: incompatible types for comparison: int and float64",
        ),
        (
            "{{lt true false}}",
            "ERR template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison",
        ),
        (
            "{{lt .l 1}}",
            "ERR template: t:1:2: executing \"t\" at <lt .l 1>: error calling lt: invalid type for comparison",
        ),
        (
            "{{lt .missing 1}}",
            "ERR template: t:1:2: executing \"t\" at <lt .missing 1>: error calling lt: invalid type for comparison",
        ),
        (
            "{{gt 1 \"a\"}}",
            "ERR template: t:1:2: executing \"t\" at <gt 1 \"a\">: error calling gt: incompatible types for comparison: int and string",
        ),
        ("{{if and (eq .i 3) (lt .i 5)}}ok{{end}}", "ok"),
    ]);
}

#[test]
fn printf_verbs() {
    // fmt_test.go fmtTests: widths, flags, %v of composites, bad verbs, missing/extra args.
    check(&[
        (
            "{{printf \"%5.2f|%-5s|%05d|%x|%X|%o|%q|%t\" 3.14159 \"ab\" 42 255 255 8 \"q\" true}}",
            " 3.14|ab   |00042|ff|FF|10|\"q\"|true",
        ),
        ("{{printf \"%e\" 1234.5678}}", "1.234568e+03"),
        ("{{printf \"%E\" 1234.5678}}", "1.234568E+03"),
        ("{{printf \"%g\" 1e21}}", "1e+21"),
        ("{{printf \"%g\" 100000.0}}", "100000"),
        ("{{printf \"%.3g\" 1234.5678}}", "1.23e+03"),
        ("{{printf \"%8.3f\" -3.14159}}", "  -3.142"),
        ("{{printf \"%08.3f\" -3.14159}}", "-003.142"),
        ("{{printf \"%+.1e\" 12345.0}}", "+1.2e+04"),
        ("{{printf \"%6.2v\" 3.14159}}", "   3.1"),
        ("{{printf \"%.0f\" 2.5}}", "2"),
        ("{{printf \"%f\" 1.0}}", "1.000000"),
        ("{{printf \"%v\" 0.000001}}", "1e-06"),
        ("{{printf \"%v\" 123456789.0}}", "1.23456789e+08"),
        ("{{printf \"%+d\" 5}}", "+5"),
        ("{{printf \"% d\" 5}}", " 5"),
        ("{{printf \"%#x\" 255}}", "0xff"),
        ("{{printf \"%#o\" 8}}", "010"),
        ("{{printf \"%O\" 8}}", "0o10"),
        ("{{printf \"%b\" 5}}", "101"),
        ("{{printf \"%c\" 65}}", "A"),
        ("{{printf \"%q\" 65}}", "'A'"),
        ("{{printf \"%U\" 65}}", "U+0041"),
        ("{{printf \"%#U\" 233}}", "U+00E9 'é'"),
        ("{{printf \"%.3d\" 7}}", "007"),
        ("{{printf \"%-4d|\" 7}}", "7   |"),
        ("{{printf \"%x\" -255}}", "-ff"),
        ("{{printf \"%v %v\" .l .m}}", "[x y] map[a:1 b:2]"),
        ("{{printf \"%T\" .f}}", "float64"),
        ("{{printf \"%T\" .l}}", "[]string"),
        ("{{printf \"%T\" .m}}", "map[string]interface {}"),
        ("{{printf \"%T\" .missing}}", "<nil>"),
        ("{{printf \"%x\" \"hi\"}}", "6869"),
        ("{{printf \"% x\" \"hi\"}}", "68 69"),
        ("{{printf \"%#x\" \"hi\"}}", "0x6869"),
        ("{{printf \"%X\" \"hi\"}}", "6869"),
        ("{{printf \"%q\" .l}}", "[\"x\" \"y\"]"),
        ("{{printf \"%#q\" \"a\\\"b\"}}", "`a\"b`"),
        ("{{printf \"%q\" \"é\\n\"}}", "\"é\\n\""),
        ("{{printf \"%+q\" \"é\"}}", "\"\\u00e9\""),
        ("{{printf \"%d\" .l}}", "[%!d(string=x) %!d(string=y)]"),
        ("{{printf \"%5v\" .l}}", "[    x     y]"),
        ("{{printf \"%d\" .s}}", "%!d(string=hi)"),
        ("{{printf \"%s\" 5}}", "%!s(int=5)"),
        ("{{printf \"%d\" 1.5}}", "%!d(float64=1.5)"),
        ("{{printf \"%t\" 1}}", "%!t(int=1)"),
        ("{{printf \"%z\" .b}}", "%!z(bool=true)"),
        ("{{printf \"%s\"}}", "%!s(MISSING)"),
        ("{{printf \"x\" 1 \"a\"}}", "x%!(EXTRA int=1, string=a)"),
        ("{{printf \"%%\"}}", "%"),
        ("{{printf \"%\"}}", "%!(NOVERB)"),
        ("{{printf \"%*d\" 5 1}}", "    1"),
        ("{{printf \"%-*d|\" 3 1}}", "1  |"),
        ("{{printf \"%[2]d %[1]d\" 1 2}}", "2 1"),
        ("{{printf \"%[3]d\" 1 2}}", "%!d(BADINDEX)"),
        ("{{printf \"%.2s\" \"hello\"}}", "he"),
        ("{{printf \"%5s|%-5s|%05s\" \"ab\" \"ab\" \"ab\"}}", "   ab|ab   |000ab"),
        ("{{printf \"%v\" .n}}", "<nil>"),
        ("{{printf \"%d\" .n}}", "%!d(<nil>)"),
        ("{{printf \"%v\" .missing}}", "<nil>"),
        ("{{printf \"%s\" .m}}", "map[a:%!s(int=1) b:%!s(int=2)]"),
        ("{{printf \"%.2f\" .f}}", "1000000.00"),
        (
            "{{printf \"%x\" 1.5}}",
            "ERR template: t:1:2: executing \"t\" at <printf \"%x\" 1.5>: error calling printf: Baton does not implement the %x verb for floating-point values",
        ),
    ]);
}

#[test]
fn missing_key_option() {
    // exec_test.go TestMissingMapKey; option.go messages.
    let error = ExecOptions { missing_key: MissingKey::Error, ..ExecOptions::default() };
    let zero = ExecOptions { missing_key: MissingKey::Zero, ..ExecOptions::default() };
    let f = Funcs::builtin();
    check_with(
        &f,
        &data(),
        &error,
        &[
            (
                "{{.missing}}",
                "ERR template: t:1:2: executing \"t\" at <.missing>: map has no entry for key \"missing\"",
            ),
            (
                "{{.missing.x}}",
                "ERR template: t:1:10: executing \"t\" at <.missing.x>: map has no entry for key \"missing\"",
            ),
            (
                "{{.sm.nope}}",
                "ERR template: t:1:5: executing \"t\" at <.sm.nope>: map has no entry for key \"nope\"",
            ),
            ("{{.s}}", "hi"),
            ("{{index . \"missing\"}}", "<no value>"),
        ],
    );
    check_with(
        &f,
        &data(),
        &zero,
        &[
            ("{{.missing}}", "<no value>"),
            ("{{.sm.nope}}", ""),
            ("{{.sm.nope | printf \"%q\"}}", "\"\""),
        ],
    );
    check_with(
        &f,
        &Value::Invalid,
        &error,
        &[(
            "{{.x}}",
            "ERR template: t:1:2: executing \"t\" at <.x>: nil data; no entry for key \"x\"",
        )],
    );
    check_with(&f, &Value::Invalid, &ExecOptions::default(), &[("{{.x}}", "<no value>")]);
    assert_eq!(MissingKey::from_option("missingkey=error").unwrap(), MissingKey::Error);
    assert_eq!(MissingKey::from_option("missingkey=zero").unwrap(), MissingKey::Zero);
    assert_eq!(MissingKey::from_option("missingkey=default").unwrap(), MissingKey::Default);
    assert_eq!(MissingKey::from_option("missingkey=invalid").unwrap(), MissingKey::Default);
    assert_eq!(
        MissingKey::from_option("missingkey=bogus").unwrap_err().message,
        "unrecognized option: missingkey=bogus"
    );
    assert_eq!(MissingKey::from_option("").unwrap_err().message, "empty option string");
}

/// Flux's commit-message data (image-automation-controller `internal/source/source.go`
/// `TemplateData`, `internal/update/result.go`), built as the Flux module will build it.
fn flux_data() -> Value {
    let nn_type = Rc::new(StructType {
        name: "types.NamespacedName".into(),
        fields: vec![Field::new("Namespace", Type::String), Field::new("Name", Type::String)],
        methods: vec![],
    });
    let type_meta = Rc::new(StructType {
        name: "yaml.TypeMeta".into(),
        fields: vec![Field::new("APIVersion", Type::String), Field::new("Kind", Type::String)],
        methods: vec![],
    });
    let name_meta = Rc::new(StructType {
        name: "yaml.NameMeta".into(),
        fields: vec![Field::new("Name", Type::String), Field::new("Namespace", Type::String)],
        methods: vec![],
    });
    let res_id = Rc::new(StructType {
        name: "yaml.ResourceIdentifier".into(),
        fields: vec![
            Field::embedded("TypeMeta", Type::Struct(type_meta.clone())),
            Field::embedded("NameMeta", Type::Struct(name_meta.clone())),
        ],
        methods: vec![],
    });
    let obj_id = Rc::new(StructType {
        name: "update.ObjectIdentifier".into(),
        fields: vec![Field::embedded("ResourceIdentifier", Type::Struct(res_id.clone()))],
        methods: vec![],
    });
    let change = Rc::new(StructType {
        name: "update.Change".into(),
        fields: vec![
            Field::new("OldValue", Type::String),
            Field::new("NewValue", Type::String),
            Field::new("Setter", Type::String),
        ],
        methods: vec![],
    });
    let id = |api: &str, kind: &str, name: &str, ns: &str| {
        let tm = Value::structure(&type_meta, vec![api.into(), kind.into()], vec![], None);
        let nm = Value::structure(&name_meta, vec![name.into(), ns.into()], vec![], None);
        let ri = Value::structure(&res_id, vec![tm, nm], vec![], None);
        Value::structure(&obj_id, vec![ri], vec![], None)
    };
    let ch = |old: &str, new: &str| {
        Value::structure(
            &change,
            vec![old.into(), new.into(), "flux-system:app".into()],
            vec![],
            None,
        )
    };
    let changes_t = Type::Slice(Rc::new(Type::Struct(change.clone())));
    let obj_changes_t = Type::Named(
        "update.ObjectChanges".into(),
        Rc::new(Type::Map(Rc::new(Type::Struct(obj_id.clone())), Rc::new(changes_t.clone()))),
    );
    let objects = Value::map_of_type(
        obj_changes_t.clone(),
        vec![
            (
                id("batch/v1", "CronJob", "job", "ns"),
                Value::list_of_type(changes_t.clone(), vec![ch("a:1", "a:2")]),
            ),
            (
                id("apps/v1", "Deployment", "web", "ns"),
                Value::list_of_type(changes_t.clone(), vec![ch("w:1", "w:2")]),
            ),
        ],
    );
    let result_t = Rc::new(StructType {
        name: "update.Result".into(),
        fields: vec![Field::new(
            "FileChanges",
            Type::Map(Rc::new(Type::String), Rc::new(obj_changes_t.clone())),
        )],
        methods: vec![
            ("Objects".into(), obj_changes_t.clone()),
            ("Changes".into(), changes_t.clone()),
        ],
    });
    let file_changes = Value::map(
        Type::String,
        obj_changes_t,
        vec![(Value::from("apps/dev.yaml"), objects.clone())],
    );
    let result = Value::structure(
        &result_t,
        vec![file_changes],
        vec![objects, Value::list_of_type(changes_t, vec![ch("w:1", "w:2"), ch("a:1", "a:2")])],
        None,
    );
    let data_t = Rc::new(StructType {
        name: "source.TemplateData".into(),
        fields: vec![
            Field::new("AutomationObject", Type::Struct(nn_type.clone())),
            Field::new("Changed", Type::Struct(result_t.clone())),
            Field::new("Values", Type::Map(Rc::new(Type::String), Rc::new(Type::String))),
        ],
        methods: vec![],
    });
    let nn = Value::structure(
        &nn_type,
        vec!["flux-system".into(), "app".into()],
        vec![],
        Some("flux-system/app"),
    );
    Value::structure(&data_t, vec![nn, result, Value::string_map([("env", "dev")])], vec![], None)
}

#[test]
fn structs_like_flux_data() {
    // image-automation-controller internal/source/source_test.go (templateMsg cases) and
    // Go's fmtsort (struct keys field by field), fmt's %v of nested structs.
    let f = Funcs::builtin();
    let o = ExecOptions::default();
    check_with(
        &f,
        &flux_data(),
        &o,
        &[
            ("{{.AutomationObject}}", "flux-system/app"),
            ("{{.AutomationObject.Name}}/{{.AutomationObject.Namespace}}", "app/flux-system"),
            (
                "{{printf \"%s|%v|%d\" .AutomationObject .AutomationObject .AutomationObject}}",
                "flux-system/app|flux-system/app|{%!d(string=flux-system) %!d(string=app)}",
            ),
            (
                "{{.Values.env}} {{.Values.missing}} [{{index .Values \"missing\"}}]",
                "dev <no value> []",
            ),
            (
                "{{range $f, $o := .Changed.FileChanges}}{{$f}}:{{range $id, $c := $o}} {{$id.Kind}}/{{$id.Name}}{{range $c}}={{.NewValue}}{{end}}{{end}}{{end}}",
                "apps/dev.yaml: Deployment/web=w:2 CronJob/job=a:2",
            ),
            (
                "{{range $id, $_ := .Changed.Objects}}{{$id}};{{end}}",
                "{{{apps/v1 Deployment} {web ns}}};{{{batch/v1 CronJob} {job ns}}};",
            ),
            (
                "{{range .Changed.Changes}}{{.OldValue}}->{{.NewValue}} {{end}}",
                "w:1->w:2 a:1->a:2 ",
            ),
            ("{{len .Changed.Objects}}", "2"),
            (
                "{{.Updated}}",
                "ERR template: t:1:2: executing \"t\" at <.Updated>: can't evaluate field Updated in type source.TemplateData",
            ),
            (
                "{{.Changed.ImageResult}}",
                "ERR template: t:1:10: executing \"t\" at <.Changed.ImageResult>: can't evaluate field ImageResult in type update.Result",
            ),
            (
                "{{.Changed.Objects 1}}",
                "ERR template: t:1:10: executing \"t\" at <.Changed.Objects>: wrong number of args for Objects: want 0 got 1",
            ),
            (
                "{{.AutomationObject.Name 1}}",
                "ERR template: t:1:19: executing \"t\" at <.AutomationObject.Name>: Name has arguments but cannot be invoked as function",
            ),
            (
                "{{index .Changed.Objects \"x\"}}",
                "ERR template: t:1:2: executing \"t\" at <index .Changed.Objects \"x\">: error calling index: value has type string; should be update.ObjectIdentifier",
            ),
            ("{{if .Changed}}struct is true{{end}}", "struct is true"),
            ("{{eq .AutomationObject .AutomationObject}}", "true"),
            ("{{printf \"%+v\" .AutomationObject.Name}}", "app"),
        ],
    );
}

#[test]
fn limits_bound_work_and_output() {
    let small = ExecOptions {
        limits: Limits { max_steps: 1000, max_output: 64, max_depth: 5 },
        ..ExecOptions::default()
    };
    let f = Funcs::builtin();
    let out = run_funcs("{{range 100000}}{{end}}", &data(), &small, &f);
    assert_eq!(
        out,
        "ERR template: t:1:8: executing \"t\" at <100000>: template execution exceeded Baton's limit of 1000 steps"
    );
    let out = run_funcs("{{range 50}}xxxxxxxxxx{{end}}", &data(), &small, &f);
    assert!(out.starts_with("ERR template: t:1:12: executing \"t\" at <xxxxxxxxxx>: template output exceeded Baton's limit of 64 bytes"), "{out}");
    let out = run_funcs(
        "{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}",
        &data(),
        &small,
        &f,
    );
    assert!(out.ends_with("exceeded maximum template depth (5)"), "{out}");
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    let out = run_funcs(&format!("{{{{{deep}}}}}"), &data(), &small, &f);
    assert_eq!(out, "ERR template: t:1: max expression depth exceeded");
    let nested = "{{if 1}}".repeat(200) + &"{{end}}".repeat(200);
    let out = run_funcs(&nested, &data(), &small, &f);
    assert_eq!(
        out,
        "ERR template: t:1: control structures nested more than 100 deep (Baton's limit)"
    );
}

#[test]
fn errors_carry_spans() {
    let t = Template::parse("t", "ab {{ .s.x }}", &Funcs::builtin()).unwrap();
    let err = t.execute(&data(), &ExecOptions::default()).unwrap_err();
    assert_eq!(err.span, Some(Span::new(8, 10)));
    let err = Template::parse("t", "{{ nonesuch 1 }}", &Funcs::builtin()).unwrap_err();
    assert_eq!(err.span, Some(Span::new(3, 11)));
    let err = Template::parse("t", "x {{ 1 | 2 }}", &Funcs::builtin()).unwrap_err();
    assert!(err.span.is_some());
}
