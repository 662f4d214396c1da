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
        calls: vec![],
    });
    let type_meta = Rc::new(StructType {
        name: "yaml.TypeMeta".into(),
        fields: vec![Field::new("APIVersion", Type::String), Field::new("Kind", Type::String)],
        methods: vec![],
        calls: vec![],
    });
    let name_meta = Rc::new(StructType {
        name: "yaml.NameMeta".into(),
        fields: vec![Field::new("Name", Type::String), Field::new("Namespace", Type::String)],
        methods: vec![],
        calls: vec![],
    });
    let res_id = Rc::new(StructType {
        name: "yaml.ResourceIdentifier".into(),
        fields: vec![
            Field::embedded("TypeMeta", Type::Struct(type_meta.clone())),
            Field::embedded("NameMeta", Type::Struct(name_meta.clone())),
        ],
        methods: vec![],
        calls: vec![],
    });
    let obj_id = Rc::new(StructType {
        name: "update.ObjectIdentifier".into(),
        fields: vec![Field::embedded("ResourceIdentifier", Type::Struct(res_id.clone()))],
        methods: vec![],
        calls: vec![],
    });
    let change = Rc::new(StructType {
        name: "update.Change".into(),
        fields: vec![
            Field::new("OldValue", Type::String),
            Field::new("NewValue", Type::String),
            Field::new("Setter", Type::String),
        ],
        methods: vec![],
        calls: vec![],
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
        calls: vec![],
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
        calls: vec![],
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

#[test]
fn sprig_upstream_expectations() {
    // Expectations from Masterminds/sprig v3.3.0's tests, file by file (the template and
    // the output each test asserts).
    let funcs = Funcs::generic();
    let data = Value::any_map([("value", Value::Nil)]);
    let o = ExecOptions::default();
    // defaults_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{ coalesce 1 }}", "1"),
            ("{{ coalesce \"\" 0 nil 2 }}", "2"),
            ("{{ $two := 2 }}{{ coalesce \"\" 0 nil $two }}", "2"),
            ("{{ $two := 2 }}{{ coalesce \"\" $two 0 0 0 }}", "2"),
            ("{{ $two := 2 }}{{ coalesce \"\" $two 3 4 5 }}", "2"),
            ("{{ coalesce }}", "<no value>"),
            ("{{ all 1 }}", "true"),
            ("{{ all \"\" 0 nil 2 }}", "false"),
            ("{{ $two := 2 }}{{ all \"\" 0 nil $two }}", "false"),
            ("{{ $two := 2 }}{{ all \"\" $two 0 0 0 }}", "false"),
            ("{{ $two := 2 }}{{ all \"\" $two 3 4 5 }}", "false"),
            ("{{ all }}", "true"),
            ("{{ any 1 }}", "true"),
            ("{{ any \"\" 0 nil 2 }}", "true"),
            ("{{ $two := 2 }}{{ any \"\" 0 nil $two }}", "true"),
            ("{{ $two := 2 }}{{ any \"\" $two 3 4 5 }}", "true"),
            ("{{ $zero := 0 }}{{ any \"\" $zero 0 0 0 }}", "false"),
            ("{{ any }}", "false"),
        ],
    );
    // dict_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{ dict \"foo\" 1 \"bar\" 2 | keys | sortAlpha }}", "[bar foo]"),
            ("{{ dict | keys }}", "[]"),
            (
                "{{ keys (dict \"foo\" 1) (dict \"bar\" 2) (dict \"bar\" 3) | uniq | sortAlpha }}",
                "[bar foo]",
            ),
            ("{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ pick $d \"two\" | len -}}", "1"),
            ("{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ pick $d \"two\" -}}", "map[two:222222]"),
            ("{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ pick $d \"one\" \"two\" | len -}}", "2"),
            (
                "{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ pick $d \"one\" \"two\" \"three\" | len -}}",
                "2",
            ),
            ("{{- $d := dict }}{{ pick $d \"two\" | len -}}", "0"),
            ("{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ omit $d \"one\" | len -}}", "1"),
            ("{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ omit $d \"one\" -}}", "map[two:222222]"),
            ("{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ omit $d \"one\" \"two\" | len -}}", "0"),
            (
                "{{- $d := dict \"one\" 1 \"two\" 222222 }}{{ omit $d \"two\" \"three\" | len -}}",
                "1",
            ),
            ("{{- $d := dict }}{{ omit $d \"two\" | len -}}", "0"),
            ("{{- $d := dict \"one\" 1 }}{{ get $d \"one\" -}}", "1"),
            ("{{- $d := dict \"one\" 1 \"two\" \"2\" }}{{ get $d \"two\" -}}", "2"),
            ("{{- $d := dict }}{{ get $d \"two\" -}}", ""),
            ("{{- $d := dict \"a\" 1 \"b\" 2 }}{{ values $d | sortAlpha | join \",\" }}", "1,2"),
            (
                "{{- $d := dict \"a\" \"first\" \"b\" 2 }}{{ values $d | sortAlpha | join \",\" }}",
                "2,first",
            ),
            (
                "{{- $d := dict \"a\" 1 \"b\" 2 | deepCopy }}{{ values $d | sortAlpha | join \",\" }}",
                "1,2",
            ),
            (
                "{{- $d := dict \"a\" 1 \"b\" 2 | deepCopy }}{{ keys $d | sortAlpha | join \",\" }}",
                "a,b",
            ),
            (
                "{{- $one := dict \"foo\" (dict \"bar\" \"baz\") \"qux\" true -}}{{ deepCopy $one }}",
                "map[foo:map[bar:baz] qux:true]",
            ),
            (
                "{{- $d := dict \"a\" 1 \"b\" 2 | mustDeepCopy }}{{ values $d | sortAlpha | join \",\" }}",
                "1,2",
            ),
            (
                "{{- $d := dict \"a\" 1 \"b\" 2 | mustDeepCopy }}{{ keys $d | sortAlpha | join \",\" }}",
                "a,b",
            ),
            (
                "{{- $one := dict \"foo\" (dict \"bar\" \"baz\") \"qux\" true -}}{{ mustDeepCopy $one }}",
                "map[foo:map[bar:baz] qux:true]",
            ),
            (
                "{{- $d := dict \"a\" (dict \"b\" (dict \"c\" 1)) }}{{ dig \"a\" \"b\" \"c\" \"\" $d }}",
                "1",
            ),
            (
                "{{- $d := dict \"a\" (dict \"b\" (dict \"c\" 1)) }}{{ dig \"a\" \"b\" \"z\" \"2\" $d }}",
                "2",
            ),
            ("{{ dict \"a\" 1 | dig \"a\" \"\" }}", "1"),
            ("{{ dict \"a\" 1 | dig \"z\" \"2\" }}", "2"),
        ],
    );
    // functions_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{ base \"foo/bar\" }}", "bar"),
            ("{{ dir \"foo/bar/baz\" }}", "foo/bar"),
            ("{{ isAbs \"/foo\" }}", "true"),
            ("{{ isAbs \"foo\" }}", "false"),
            ("{{ clean \"/foo/../foo/../bar\" }}", "/bar"),
            ("{{ ext \"/foo/bar/baz.txt\" }}", ".txt"),
            ("{{ snakecase \"FirstName\" }}", "first_name"),
            ("{{ snakecase \"HTTPServer\" }}", "http_server"),
            ("{{ snakecase \"NoHTTPS\" }}", "no_https"),
            ("{{ snakecase \"GO_PATH\" }}", "go_path"),
            ("{{ snakecase \"GO PATH\" }}", "go_path"),
            ("{{ snakecase \"GO-PATH\" }}", "go_path"),
            ("{{ camelcase \"http_server\" }}", "HttpServer"),
            ("{{ camelcase \"_camel_case\" }}", "_CamelCase"),
            ("{{ camelcase \"no_https\" }}", "NoHttps"),
            ("{{ camelcase \"_complex__case_\" }}", "_Complex_Case_"),
            ("{{ camelcase \"all\" }}", "All"),
            ("{{ kebabcase \"FirstName\" }}", "first-name"),
            ("{{ kebabcase \"HTTPServer\" }}", "http-server"),
            ("{{ kebabcase \"NoHTTPS\" }}", "no-https"),
            ("{{ kebabcase \"GO_PATH\" }}", "go-path"),
            ("{{ kebabcase \"GO PATH\" }}", "go-path"),
            ("{{ kebabcase \"GO-PATH\" }}", "go-path"),
            ("{{ regexQuoteMeta \"1.2.3\" }}", "1\\.2\\.3"),
            ("{{ regexQuoteMeta \"pretzel\" }}", "pretzel"),
        ],
    );
    // list_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{ $t := tuple 1 2 3  }}{{ append $t 4 | len }}", "4"),
            ("{{ $t := tuple 1 2 3 4  }}{{ append $t 5 | join \"-\" }}", "1-2-3-4-5"),
            (
                "{{ $t := regexSplit \"/\" \"foo/bar/baz\" -1 }}{{ append $t \"qux\" | join \"-\" }}",
                "foo-bar-baz-qux",
            ),
            ("{{ $t := tuple 1 2 3  }}{{ mustAppend $t 4 | len }}", "4"),
            ("{{ $t := tuple 1 2 3 4  }}{{ mustAppend $t 5 | join \"-\" }}", "1-2-3-4-5"),
            (
                "{{ $t := regexSplit \"/\" \"foo/bar/baz\" -1 }}{{ mustPush $t \"qux\" | join \"-\" }}",
                "foo-bar-baz-qux",
            ),
            ("{{ tuple 1 2 3 4 5 6 7 | chunk 3 | len }}", "3"),
            ("{{ tuple | chunk 3 | len }}", "0"),
            (
                "{{ range ( tuple 1 2 3 4 5 6 7 8 9 | chunk 3 ) }}{{. | join \"-\"}}|{{end}}",
                "1-2-3|4-5-6|7-8-9|",
            ),
            (
                "{{ range ( tuple 1 2 3 4 5 6 7 8 | chunk 3 ) }}{{. | join \"-\"}}|{{end}}",
                "1-2-3|4-5-6|7-8|",
            ),
            ("{{ range ( tuple 1 2 | chunk 3 ) }}{{. | join \"-\"}}|{{end}}", "1-2|"),
            ("{{ tuple 1 2 3 4 5 6 7 | mustChunk 3 | len }}", "3"),
            ("{{ tuple | mustChunk 3 | len }}", "0"),
            (
                "{{ range ( tuple 1 2 3 4 5 6 7 8 9 | mustChunk 3 ) }}{{. | join \"-\"}}|{{end}}",
                "1-2-3|4-5-6|7-8-9|",
            ),
            (
                "{{ range ( tuple 1 2 3 4 5 6 7 8 | mustChunk 3 ) }}{{. | join \"-\"}}|{{end}}",
                "1-2-3|4-5-6|7-8|",
            ),
            ("{{ range ( tuple 1 2 | mustChunk 3 ) }}{{. | join \"-\"}}|{{end}}", "1-2|"),
            ("{{ $t := tuple 1 2 3  }}{{ prepend $t 0 | len }}", "4"),
            ("{{ $t := tuple 1 2 3 4  }}{{ prepend $t 0 | join \"-\" }}", "0-1-2-3-4"),
            (
                "{{ $t := regexSplit \"/\" \"foo/bar/baz\" -1 }}{{ prepend $t \"qux\" | join \"-\" }}",
                "qux-foo-bar-baz",
            ),
            ("{{ $t := tuple 1 2 3  }}{{ mustPrepend $t 0 | len }}", "4"),
            ("{{ $t := tuple 1 2 3 4  }}{{ mustPrepend $t 0 | join \"-\" }}", "0-1-2-3-4"),
            (
                "{{ $t := regexSplit \"/\" \"foo/bar/baz\" -1 }}{{ mustPrepend $t \"qux\" | join \"-\" }}",
                "qux-foo-bar-baz",
            ),
            ("{{ list 1 2 3 | first }}", "1"),
            ("{{ list | first }}", "<no value>"),
            ("{{ regexSplit \"/src/\" \"foo/src/bar\" -1 | first }}", "foo"),
            ("{{ list 1 2 3 | mustFirst }}", "1"),
            ("{{ list | mustFirst }}", "<no value>"),
            ("{{ regexSplit \"/src/\" \"foo/src/bar\" -1 | mustFirst }}", "foo"),
            ("{{ list 1 2 3 | last }}", "3"),
            ("{{ list | last }}", "<no value>"),
            ("{{ regexSplit \"/src/\" \"foo/src/bar\" -1 | last }}", "bar"),
            ("{{ list 1 2 3 | mustLast }}", "3"),
            ("{{ list | mustLast }}", "<no value>"),
            ("{{ regexSplit \"/src/\" \"foo/src/bar\" -1 | mustLast }}", "bar"),
            ("{{ list 1 2 3 | initial | len }}", "2"),
            ("{{ list 1 2 3 | initial | last }}", "2"),
            ("{{ list 1 2 3 | initial | first }}", "1"),
            ("{{ list | initial }}", "[]"),
            ("{{ regexSplit \"/\" \"foo/bar/baz\" -1 | initial }}", "[foo bar]"),
            ("{{ list 1 2 3 | mustInitial | len }}", "2"),
            ("{{ list 1 2 3 | mustInitial | last }}", "2"),
            ("{{ list 1 2 3 | mustInitial | first }}", "1"),
            ("{{ list | mustInitial }}", "[]"),
            ("{{ regexSplit \"/\" \"foo/bar/baz\" -1 | mustInitial }}", "[foo bar]"),
            ("{{ list 1 2 3 | rest | len }}", "2"),
            ("{{ list 1 2 3 | rest | last }}", "3"),
            ("{{ list 1 2 3 | rest | first }}", "2"),
            ("{{ list | rest }}", "[]"),
            ("{{ regexSplit \"/\" \"foo/bar/baz\" -1 | rest }}", "[bar baz]"),
            ("{{ list 1 2 3 | mustRest | len }}", "2"),
            ("{{ list 1 2 3 | mustRest | last }}", "3"),
            ("{{ list 1 2 3 | mustRest | first }}", "2"),
            ("{{ list | mustRest }}", "[]"),
            ("{{ regexSplit \"/\" \"foo/bar/baz\" -1 | mustRest }}", "[bar baz]"),
            ("{{ list 1 2 3 | reverse | first }}", "3"),
            ("{{ list 1 2 3 | reverse | rest | first }}", "2"),
            ("{{ list 1 2 3 | reverse | last }}", "1"),
            ("{{ list 1 2 3 4 | reverse }}", "[4 3 2 1]"),
            ("{{ list 1 | reverse }}", "[1]"),
            ("{{ list | reverse }}", "[]"),
            ("{{ regexSplit \"/\" \"foo/bar/baz\" -1 | reverse }}", "[baz bar foo]"),
            ("{{ list 1 2 3 | mustReverse | first }}", "3"),
            ("{{ list 1 2 3 | mustReverse | rest | first }}", "2"),
            ("{{ list 1 2 3 | mustReverse | last }}", "1"),
            ("{{ list 1 2 3 4 | mustReverse }}", "[4 3 2 1]"),
            ("{{ list 1 | mustReverse }}", "[1]"),
            ("{{ list | mustReverse }}", "[]"),
            ("{{ regexSplit \"/\" \"foo/bar/baz\" -1 | mustReverse }}", "[baz bar foo]"),
            ("{{ list 1 0 \"\" \"hello\" | compact }}", "[1 hello]"),
            ("{{ list \"\" \"\" | compact }}", "[]"),
        ],
    );
    // numeric_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{range $i, $e := until 5}}{{$i}}{{$e}}{{end}}", "0011223344"),
            ("{{range $i, $e := until -5}}{{$i}}{{$e}} {{end}}", "00 1-1 2-2 3-3 4-4 "),
            ("{{range $i, $e := untilStep 0 5 1}}{{$i}}{{$e}}{{end}}", "0011223344"),
            ("{{range $i, $e := untilStep 3 6 1}}{{$i}}{{$e}}{{end}}", "031425"),
            ("{{range $i, $e := untilStep 0 -10 -2}}{{$i}}{{$e}} {{end}}", "00 1-2 2-4 3-6 4-8 "),
            ("{{range $i, $e := untilStep 3 0 1}}{{$i}}{{$e}}{{end}}", ""),
            ("{{range $i, $e := untilStep 3 99 0}}{{$i}}{{$e}}{{end}}", ""),
            ("{{range $i, $e := untilStep 3 99 -1}}{{$i}}{{$e}}{{end}}", ""),
            ("{{range $i, $e := untilStep 3 0 0}}{{$i}}{{$e}}{{end}}", ""),
            ("{{seq 0 1 3}}", "0 1 2 3"),
            ("{{seq 0 3 10}}", "0 3 6 9"),
            ("{{seq 3 3 2}}", ""),
            ("{{seq 3 -3 2}}", "3"),
            ("{{seq}}", ""),
            ("{{seq 0 4}}", "0 1 2 3 4"),
            ("{{seq 5}}", "1 2 3 4 5"),
            ("{{seq -5}}", "1 0 -1 -2 -3 -4 -5"),
            ("{{seq 0}}", "1 0"),
            ("{{seq 0 1 2 3}}", ""),
            ("{{seq 0 -4}}", "0 -1 -2 -3 -4"),
        ],
    );
    // semver_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{ semverCompare \"1.2.3\" \"1.2.3\" }}", "true"),
            ("{{ semverCompare \"^1.2.0\" \"1.2.3\" }}", "true"),
            ("{{ semverCompare \"^1.2.0\" \"2.2.3\" }}", "false"),
            ("{{ $s := semver \"1.2.3-beta.1+c0ff33\" }}{{ $s.Prerelease }}", "beta.1"),
            ("{{ $s := semver \"1.2.3-beta.1+c0ff33\" }}{{ $s.Major}}", "1"),
            ("{{ semver \"1.2.3\" | (semver \"1.2.3\").Compare }}", "0"),
            ("{{ semver \"1.2.3\" | (semver \"1.3.3\").Compare }}", "1"),
            ("{{ semver \"1.4.3\" | (semver \"1.2.3\").Compare }}", "-1"),
        ],
    );
    // strings_test.go
    check_with(
        &funcs,
        &data,
        &o,
        &[
            ("{{ tuple \"a\" \"b\" \"c\" | join \"-\" }}", "a-b-c"),
            ("{{ tuple 1 2 3 | join \"-\" }}", "1-2-3"),
            ("{{ list \"c\" \"a\" \"b\" | sortAlpha | join \"\" }}", "abc"),
            ("{{ list 2 1 4 3 | sortAlpha | join \"\" }}", "1234"),
            ("{{abbrev 5 \"hello world\"}}", "he..."),
            ("{{abbrevboth 5 10 \"1234 5678 9123\"}}", "...5678..."),
            ("{{nospace \"h e l l o \"}}", "hello"),
            ("{{untitle \"First Try\"}}", "first try"),
            ("{{initials \"First Try\"}}", "FT"),
            ("{{wrap 5 \"Hello World\"}}", "Hello\nWorld"),
            ("{{wrapWith 5 \"\\t\" \"Hello World\"}}", "Hello\tWorld"),
        ],
    );
}

fn now_options() -> ExecOptions {
    let now = Instant::parse_rfc3339("2024-05-01T10:00:00Z").unwrap();
    ExecOptions { now: Some(now), ..ExecOptions::default() }
}

#[test]
fn sprig_strings() {
    // Sprig v3.3.0 strings.go and functions.go (the Go functions each wraps: strings.Title,
    // goutils Abbreviate/Initials/Wrap/SwapCase/DeleteWhiteSpace, xstrings case functions),
    // and the examples of docs/strings.md.
    check_with(
        &Funcs::hermetic(),
        &data(),
        &ExecOptions::default(),
        &[
            ("{{ upper \"hello\" }}", "HELLO"),
            ("{{ lower \"HeLLo\" }}", "hello"),
            ("{{ title \"hello world-wide_web\" }}", "Hello World-Wide_web"),
            ("{{ untitle \"Hello World\" }}", "hello world"),
            ("{{ trunc 3 \"héllo\" }}", "hé"),
            (
                "{{ trunc 2 \"héllo\" }}",
                "ERR template: t:1:3: executing \"t\" at <trunc 2 \"héllo\">: error calling trunc: the byte range [0:2] cuts a multi-byte character: Baton's strings are UTF-8",
            ),
            ("{{ substr 1 3 \"hello\" }}", "el"),
            ("{{ substr 2 -1 \"hello\" }}", "llo"),
            ("{{ substr -1 2 \"hello\" }}", "he"),
            ("{{ abbrev 5 \"hello world\" }}", "he..."),
            ("{{ abbrev 3 \"hello world\" }}", "hello world"),
            ("{{ abbrevboth 5 10 \"1234 5678 9123\" }}", "...5678..."),
            ("{{ initials \"First Try\" }}", "FT"),
            ("{{ wrap 5 \"Hello World\" }}", "Hello\nWorld"),
            ("{{ wrapWith 5 \"\\t\" \"Hello World\" }}", "Hello\tWorld"),
            ("{{ nospace \"hello w o r l d\" }}", "helloworld"),
            ("{{ swapcase \"This Is A.Test\" }}", "tHIS iS a.tEST"),
            ("{{ repeat 3 \"hello\" }}", "hellohellohello"),
            (
                "{{ repeat -1 \"x\" }}",
                "ERR template: t:1:3: executing \"t\" at <repeat -1 \"x\">: error calling repeat: strings: negative Repeat count",
            ),
            (
                "{{ \"hello\" | contains \"ell\" }} {{ hasPrefix \"he\" \"hello\" }} {{ hasSuffix \"x\" \"hello\" }}",
                "true true false",
            ),
            ("{{ quote nil \"a\" 1 }}", "\"a\" \"1\""),
            ("{{ squote \"a\" 1.5 }}", "'a' '1.5'"),
            ("{{ cat \"hello\" nil \"beautiful\" 3 }}", "hello beautiful 3"),
            ("{{ indent 2 \"a\\nb\" }}", "  a\n  b"),
            ("{{ splitList \",\" \"a,b,c\" }}", "[a b c]"),
            ("{{ $x := split \",\" \"a,b\" }}{{ $x._1 }}", "b"),
            ("{{ splitn \"$\" 2 \"foo$bar$baz\" }}", "map[_0:foo _1:bar$baz]"),
            ("{{ plural \"one anchovy\" \"many anchovies\" 2 }}", "many anchovies"),
            ("{{ trimAll \"$\" \"$5.00$\" }} {{ trim \"  x \\t\" }}", "5.00 x"),
            (
                "{{ toString 1.5 }} {{ toString nil }} {{ toString .AutomationObject }}",
                "1.5 <nil> <nil>",
            ),
            (
                "{{ snakecase \"HTTP20xOK\" }} {{ snakecase \"Bld4Floor3rd\" }} {{ kebabcase \"Duration2m3s\" }}",
                "http_20x_ok bld4_floor_3rd duration-2m3s",
            ),
            ("{{ camelcase \"some words\" }}", "SomeWords"),
            ("{{ replace \" \" \"-\" \"a b c\" }}", "a-b-c"),
            ("{{ list \"b\" \"a\" | sortAlpha }} {{ sortAlpha \"x\" }}", "[a b] [x]"),
            ("{{ join \", \" .l }}", "x, y"),
            (
                "{{ upper 3 }}",
                "ERR template: t:1:9: executing \"t\" at <3>: expected string; found 3",
            ),
            (
                "{{ .i | upper }}",
                "ERR template: t:1:8: executing \"t\" at <upper>: wrong type for value; expected string; got int",
            ),
            (
                "{{ upper .n }}",
                "ERR template: t:1:9: executing \"t\" at <.n>: wrong type for value; expected string; got interface {}",
            ),
            (
                "{{ upper .missing }}",
                "ERR template: t:1:9: executing \"t\" at <.missing>: invalid value; expected string",
            ),
            (
                "{{ .n | upper }}",
                "ERR template: t:1:8: executing \"t\" at <upper>: invalid value; expected string",
            ),
            (
                "{{ base \"/a/b.txt\" }} {{ dir \"/a/b/\" }} {{ clean \"a//b/./c/..\" }} {{ ext \"a.tar.gz\" }} {{ base \"\" }} {{ base \"/\" }}",
                "b.txt /a/b a/b .gz . /",
            ),
            (
                "{{ fail \"stop here\" }}",
                "ERR template: t:1:3: executing \"t\" at <fail \"stop here\">: error calling fail: stop here",
            ),
        ],
    );
}

#[test]
fn sprig_numbers() {
    // Sprig v3.3.0 numeric.go and functions.go (int64 results, spf13/cast v1.7.0
    // conversions, shopspring/decimal v1.4.0 for the float operations) and numeric_test.go.
    check_with(
        &Funcs::hermetic(),
        &data(),
        &ExecOptions::default(),
        &[
            ("{{ add 1 2 3 }} {{ add 1 2 | printf \"%T\" }}", "6 int64"),
            ("{{ sub 5 7 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }}", "-2 24 3 1"),
            (
                "{{ div 1 0 }}",
                "ERR template: t:1:3: executing \"t\" at <div 1 0>: error calling div: runtime error: integer divide by zero",
            ),
            (
                "{{ add1 \"41\" }} {{ add \"1.0\" 1 }} {{ add \"x\" 1 }} {{ add 1.9 1 }} {{ add true 1 }}",
                "42 2 1 2 2",
            ),
            (
                "{{ max 1 5 3 }} {{ min 4 2 8 }} {{ maxf 1 2.5 }} {{ minf 1.5 0.5 }} {{ biggest 3 9 }}",
                "5 2 2.5 0.5 9",
            ),
            (
                "{{ addf 1.1 2.2 }} {{ subf 1.5 0.5 }} {{ mulf 1.5 2 }} {{ divf 10 3 }} {{ add1f 0.1 }}",
                "3.3 1 3 3.3333333333333335 1.1",
            ),
            (
                "{{ divf 1 0 }}",
                "ERR template: t:1:3: executing \"t\" at <divf 1 0>: error calling divf: decimal division by zero",
            ),
            (
                "{{ round 3.14159 2 }} {{ round 2.5 0 }} {{ round 2.4 0 }} {{ ceil 1.1 }} {{ floor 1.9 }}",
                "3.14 3 2 2 1",
            ),
            (
                "{{ int \"42\" }} {{ int64 3.9 }} {{ float64 \"1.5\" }} {{ atoi \"12x\" }} {{ atoi \"-7\" }} {{ toDecimal \"0777\" }}",
                "42 3 1.5 0 -7 511",
            ),
            ("{{ int64 \"0x10\" }} {{ float64 \"1e3\" }} {{ int nil }}", "16 1000 0"),
            ("{{ until 3 }} {{ untilStep 0 10 4 }} {{ seq 3 }}", "[0 1 2] [0 4 8] 1 2 3"),
            ("{{ range until 2 }}{{ printf \"%T\" . }}{{ end }}", "intint"),
            (
                "{{ until 2000000 }}",
                "ERR template: t:1:3: executing \"t\" at <until 2000000>: error calling until: template execution exceeded Baton's limit of 1000000 steps",
            ),
        ],
    );
}

#[test]
fn sprig_defaults_and_types() {
    // Sprig v3.3.0 defaults.go (empty, default, ternary) and reflect.go (typeOf is %T,
    // kindOf is reflect's Kind).
    check_with(
        &Funcs::hermetic(),
        &data(),
        &ExecOptions::default(),
        &[
            (
                "{{ default \"foo\" .missing }} {{ default \"foo\" \"bar\" }} {{ \"\" | default \"d\" }} {{ default 5 0 }}",
                "foo bar d 5",
            ),
            (
                "{{ empty 0 }} {{ empty (dict) }} {{ empty .AutomationObject }} {{ empty \"x\" }} {{ empty .n }}",
                "true true true false true",
            ),
            ("{{ ternary \"y\" \"n\" true }} {{ false | ternary \"y\" \"n\" }}", "y n"),
            (
                "{{ typeOf 1 }} {{ typeOf \"a\" }} {{ typeOf (list) }} {{ typeOf (dict) }} {{ typeOf nil }} {{ typeOf (add 1 1) }}",
                "int string []interface {} map[string]interface {} <nil> int64",
            ),
            (
                "{{ kindOf (list) }} {{ kindOf 1.5 }} {{ kindOf nil }} {{ kindIs \"map\" (dict) }} {{ typeIs \"float64\" 1.5 }} {{ typeIsLike \"string\" \"x\" }}",
                "slice float64 invalid true true true",
            ),
            (
                "{{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual (list 1) (list 1.0) }} {{ deepEqual (dict \"a\" 1) (dict \"a\" 1) }}",
                "true false true",
            ),
            (
                "{{ first \"abc\" }}",
                "ERR template: t:1:3: executing \"t\" at <first \"abc\">: error calling first: Cannot find first on type string",
            ),
            (
                "{{ first nil }}",
                "ERR template: t:1:3: executing \"t\" at <first nil>: error calling first: runtime error: invalid memory address or nil pointer dereference",
            ),
            (
                "{{ first .l }} {{ last .l }} {{ rest .l }} {{ initial .l }} {{ first (list) }}",
                "x y [y] [x] <no value>",
            ),
        ],
    );
}

#[test]
fn sprig_dicts_are_references() {
    // Go maps are references: Sprig's set/unset/merge change the map every variable holding
    // it sees (dict.go; mergo v1.0.1 deepMerge; docs/dicts.md's mergeOverwrite example).
    check_with(
        &Funcs::generic(),
        &data(),
        &ExecOptions::default(),
        &[
            ("{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ $d }}", "map[a:1 b:2]"),
            ("{{ $d := dict \"a\" 1 }}{{ $_ := unset $d \"a\" }}{{ len $d }}", "0"),
            ("{{ $d := dict \"a\" 1 }}{{ $e := $d }}{{ $_ := set $e \"c\" 3 }}{{ $d.c }}", "3"),
            (
                "{{ $d := dict \"a\" 1 }}{{ $c := deepCopy $d }}{{ $_ := set $c \"a\" 2 }}{{ $d.a }}",
                "1",
            ),
            (
                "{{ $dst := dict \"default\" \"default\" \"overwrite\" \"me\" \"key\" true }}{{ $src := dict \"overwrite\" \"overwritten\" \"key\" false }}{{ $_ := mergeOverwrite $dst $src }}{{ $dst }}",
                "map[default:default key:false overwrite:overwritten]",
            ),
            (
                "{{ $dst := dict \"a\" 1 \"z\" \"\" \"n\" (dict \"x\" 1) }}{{ merge $dst (dict \"a\" 2 \"b\" 3 \"z\" \"zz\" \"n\" (dict \"x\" 9 \"y\" 2)) }}",
                "map[a:1 b:3 n:map[x:1 y:2] z:zz]",
            ),
            (
                "{{ hasKey (dict \"a\" 1) \"a\" }} {{ get (dict \"a\" 1) \"b\" | printf \"%q\" }} {{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3) }}",
                "true \"\" [1 3]",
            ),
            ("{{ dict \"a\" }} {{ dict 1 2 }}", "map[a:] map[1:2]"),
            (
                "{{ keys .sm }}",
                "ERR template: t:1:8: executing \"t\" at <.sm>: wrong type for value; expected map[string]interface {}; got map[string]string",
            ),
            (
                "{{ $d := dict }}{{ range until 300 }}{{ $d = dict \"x\" $d }}{{ end }}",
                "ERR template: t:1:45: executing \"t\" at <dict \"x\" $d>: error calling dict: value nested more than 256 deep (Baton's limit)",
            ),
        ],
    );
}

#[test]
fn sprig_json_and_encodings() {
    // Sprig v3.3.0 defaults.go (toJson is json.Marshal, errors dropped; mustFromJson's
    // errors are encoding/json's), strings.go (b64/b32 are Go's StdEncoding), crypto.go
    // (hex digests; adler32 in decimal). Digests of "abc" are the FIPS 180 test vectors.
    check_with(
        &Funcs::hermetic(),
        &data(),
        &ExecOptions::default(),
        &[
            (
                "{{ toJson (dict \"b\" 1 \"a\" (list 1 \"x\" nil 1.5)) }}",
                "{\"a\":[1,\"x\",null,1.5],\"b\":1}",
            ),
            (
                "{{ toJson \"<a&b>\" }} {{ toRawJson \"<a&b>\" }}",
                "\"\\u003ca\\u0026b\\u003e\" \"<a&b>\"",
            ),
            (
                "{{ toPrettyJson (dict \"a\" (list 1 2) \"b\" (dict)) }}",
                "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}",
            ),
            (
                "{{ toJson 1e21 }} {{ toJson 0.000001 }} {{ toJson 1e-7 }} {{ toJson .f }}",
                "1e+21 0.000001 1e-7 1000000",
            ),
            ("{{ toJson .AutomationObject }}", "null"),
            ("[{{ toJson (float64 \"NaN\") }}]", "[]"),
            (
                "{{ mustToJson (float64 \"NaN\") }}",
                "ERR template: t:1:3: executing \"t\" at <mustToJson (float64 \"NaN\")>: error calling mustToJson: json: unsupported value: NaN",
            ),
            (
                "{{ (fromJson \"{\\\"a\\\": [1, 2.5, true, null, \\\"\\\\u00e9\\\"]}\").a }}",
                "[1 2.5 true <nil> é]",
            ),
            ("{{ fromJson \"{\" }}", "<no value>"),
            (
                "{{ mustFromJson \"{\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustFromJson \"{\">: error calling mustFromJson: unexpected end of JSON input",
            ),
            (
                "{{ mustFromJson \"[1,]\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustFromJson \"[1,]\">: error calling mustFromJson: invalid character ']' looking for beginning of value",
            ),
            (
                "{{ mustFromJson \"{\\\"a\\\" 1}\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustFromJson \"{\\\"a\\\" 1}\">: error calling mustFromJson: invalid character '1' after object key",
            ),
            (
                "{{ mustFromJson \"1 2\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustFromJson \"1 2\">: error calling mustFromJson: invalid character '2' after top-level value",
            ),
            (
                "{{ mustFromJson \"tru\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustFromJson \"tru\">: error calling mustFromJson: unexpected end of JSON input",
            ),
            (
                "{{ mustFromJson \"nul!\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustFromJson \"nul!\">: error calling mustFromJson: invalid character '!' in literal null (expecting 'l')",
            ),
            (
                "{{ b64enc \"coffee\" }} {{ b64dec \"Y29mZmVl\" }} {{ b32enc \"coffee\" }} {{ b32dec \"MNXWMZTFMU======\" }}",
                "Y29mZmVl coffee MNXWMZTFMU====== coffee",
            ),
            (
                "{{ b64dec \"a\" }} | {{ b64dec \"abcde\" }}",
                "illegal base64 data at input byte 0 | illegal base64 data at input byte 4",
            ),
            (
                "{{ sha256sum \"abc\" }}",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            ("{{ sha1sum \"abc\" }}", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                "{{ sha512sum \"abc\" }}",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
            ("{{ adler32sum \"Wikipedia\" }}", "300286872"),
        ],
    );
}

#[test]
fn sprig_regex_and_semver() {
    // Sprig v3.3.0 regex.go over Go's regexp (examples from regexp's documentation) and
    // semver.go over Masterminds/semver v3 (v3.4+ as Flux and Argo CD link it: its
    // ErrInvalidSemVer reads "invalid semantic version").
    check_with(
        &Funcs::hermetic(),
        &data(),
        &ExecOptions::default(),
        &[
            ("{{ regexMatch \"^[a-z]+$\" \"abc\" }} {{ regexMatch \"(\" \"abc\" }}", "true false"),
            ("{{ regexFind \"[0-9]+\" \"abc123def456\" }}", "123"),
            (
                "{{ regexFindAll \"[0-9]+\" \"a1b22c333\" -1 }} {{ regexFindAll \"[0-9]+\" \"a1b22c333\" 2 }} {{ regexFindAll \"x\" \"abc\" -1 }}",
                "[1 22 333] [1 22] []",
            ),
            ("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}", "-W-xxW-"),
            ("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\" }}", "---"),
            ("{{ regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"${1}\" }}", "-${1}-${1}-"),
            (
                "{{ regexSplit \"z+\" \"pizza\" -1 }} {{ regexSplit \"z+\" \"pizza\" 1 }} {{ regexSplit \"a\" \"banana\" -1 }}",
                "[pi a] [pizza] [b n n ]",
            ),
            ("{{ regexQuoteMeta \"1.2.3\" }}", "1\\.2\\.3"),
            (
                "{{ semverCompare \">=1.2.0\" \"1.3.0\" }} {{ semverCompare \"^1.x\" \"2.0.0\" }} {{ semverCompare \"~1.2\" \"1.2.9\" }}",
                "true false true",
            ),
            (
                "{{ (semver \"1.2.3-beta.1+b5\").Prerelease }} {{ (semver \"1.2.3\").Major }} {{ semver \"v1.2\" }}",
                "beta.1 1 1.2.0",
            ),
            ("{{ (semver \"1.2.3\").LessThan (semver \"1.10.0\") }}", "true"),
            (
                "{{ semver \"x\" }}",
                "ERR template: t:1:3: executing \"t\" at <semver \"x\">: error calling semver: invalid semantic version",
            ),
        ],
    );
    let out = run_funcs(
        "{{ mustRegexMatch \"(\" \"x\" }}",
        &data(),
        &ExecOptions::default(),
        &Funcs::hermetic(),
    );
    assert!(out.starts_with("ERR template: t:1:3: executing \"t\" at <mustRegexMatch \"(\" \"x\">: error calling mustRegexMatch: error parsing regexp: "), "{out}");
    let out = run_funcs(
        "{{ regexFind \"(\" \"x\" }}",
        &data(),
        &ExecOptions::default(),
        &Funcs::hermetic(),
    );
    assert!(
        out.contains("error calling regexFind: regexp: Compile(`(`): error parsing regexp: "),
        "{out}"
    );
}

#[test]
fn sprig_function_sets_and_refusals() {
    fn shout(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, String> {
        match args[0].as_str() {
            Some(s) => Ok(Value::from(format!("{s}!"))),
            None => Err("not a string".to_owned()),
        }
    }
    // functions.go: HermeticTxtFuncMap drops nonhermeticFunctions; Argo CD
    // (applicationset/utils/utils.go) drops env, expandenv and getHostByName.
    let hermetic = Funcs::hermetic();
    let generic = Funcs::generic();
    let d = data();
    let o = ExecOptions::default();
    check_with(
        &hermetic,
        &d,
        &o,
        &[
            ("{{ randAlpha 5 }}", "ERR template: t:1: function \"randAlpha\" not defined"),
            ("{{ now }}", "ERR template: t:1: function \"now\" not defined"),
            ("{{ uuidv4 }}", "ERR template: t:1: function \"uuidv4\" not defined"),
            ("{{ env \"HOME\" }}", "ERR template: t:1: function \"env\" not defined"),
            (
                "{{ shuffle \"abc\" }}",
                "ERR template: t:1:3: executing \"t\" at <shuffle \"abc\">: error calling shuffle: the result is random: Baton cannot evaluate it offline deterministically",
            ),
            (
                "{{ ago 0 }}",
                "ERR template: t:1:3: executing \"t\" at <ago 0>: error calling ago: ago reads the clock: Baton evaluates it only when given `now`",
            ),
            ("{{ hello }}", "Hello!"),
        ],
    );
    check_with(
        &generic,
        &d,
        &o,
        &[
            ("{{ env \"HOME\" }}", "ERR template: t:1: function \"env\" not defined"),
            (
                "{{ getHostByName \"x\" }}",
                "ERR template: t:1: function \"getHostByName\" not defined",
            ),
            (
                "{{ randAlpha 5 }}",
                "ERR template: t:1:3: executing \"t\" at <randAlpha 5>: error calling randAlpha: the result is random: Baton cannot evaluate it offline deterministically",
            ),
            (
                "{{ uuidv4 }}",
                "ERR template: t:1:3: executing \"t\" at <uuidv4>: error calling uuidv4: the result is random: Baton cannot evaluate it offline deterministically",
            ),
            (
                "{{ now }}",
                "ERR template: t:1:3: executing \"t\" at <now>: error calling now: now reads the clock: Baton evaluates it only when given `now`",
            ),
            (
                "{{ derivePassword 1 \"long\" \"p\" \"u\" \"s\" }}",
                "ERR template: t:1:3: executing \"t\" at <derivePassword 1 \"long\" \"p\" \"u\" \"s\">: error calling derivePassword: Baton does not implement this Sprig function",
            ),
            ("{{ slice .l 1 }} {{ slice .l 0 1 }}", "[y] [x]"),
        ],
    );
    // A host's own function (Argo CD adds normalize, slugify, toYaml...).
    let mut custom = Funcs::generic();
    custom.insert("shout", Function::new(vec![Param::string()], shout));
    check_with(
        &custom,
        &d,
        &o,
        &[
            ("{{ .s | shout }}", "hi!"),
            (
                "{{ shout 1 }}",
                "ERR template: t:1:9: executing \"t\" at <1>: expected string; found 1",
            ),
        ],
    );
    custom.remove("shout");
    check_with(
        &custom,
        &d,
        &o,
        &[("{{ shout 1 }}", "ERR template: t:1: function \"shout\" not defined")],
    );
    // Removing Sprig's `slice` brings Go's builtin back (Sprig's shadows it in the set).
    custom.remove("slice");
    check_with(
        &custom,
        &d,
        &o,
        &[(
            "{{ slice .s 0 1 }} {{ slice .l 5 }}",
            "ERR template: t:1:22: executing \"t\" at <slice .l 5>: error calling slice: index out of range: 5",
        )],
    );
    check_with(
        &generic,
        &d,
        &o,
        &[(
            "{{ slice .l 5 }}",
            "ERR template: t:1:3: executing \"t\" at <slice .l 5>: error calling slice: reflect.Value.Slice: slice index out of bounds",
        )],
    );
}

#[test]
fn sprig_urls() {
    // Sprig v3.3.0 url.go over Go's net/url (url_test.go expectations and net/url's
    // Parse/String rules).
    check_with(
        &Funcs::generic(),
        &data(),
        &ExecOptions::default(),
        &[
            (
                "{{ index ( urlParse \"proto://auth@host:80/path?query#fragment\" ) \"host\" }}",
                "host:80",
            ),
            (
                "{{ urlParse \"https://user:p%40ss@example.com:8443/a%20b?q=1#top\" }}",
                "map[fragment:top host:example.com:8443 hostname:example.com opaque: path:/a b query:q=1 scheme:https userinfo:user:p%40ss]",
            ),
            (
                "{{ (urlParse \"git@github.com:org/repo.git\").path }}",
                "ERR template: t:1:4: executing \"t\" at <urlParse \"git@github.com:org/repo.git\">: error calling urlParse: unable to parse url: parse \"git@github.com:org/repo.git\": first path segment in URL cannot contain colon",
            ),
            ("{{ (urlParse \"mailto:a@b.c\").opaque }}", "a@b.c"),
            ("{{ (urlParse \"http://[::1]:80/x\").hostname }}", "::1"),
            (
                "{{ urlParse \"http://h:8x/\" }}",
                "ERR template: t:1:3: executing \"t\" at <urlParse \"http://h:8x/\">: error calling urlParse: unable to parse url: parse \"http://h:8x/\": invalid port \":8x\" after host",
            ),
            (
                "{{ urlJoin (dict \"fragment\" \"fragment\" \"host\" \"host:80\" \"path\" \"/path\" \"query\" \"query\" \"scheme\" \"proto\") }}",
                "proto://host:80/path?query#fragment",
            ),
            (
                "{{ urlJoin (dict \"fragment\" \"fragment\" \"host\" \"host:80\" \"path\" \"/path\" \"scheme\" \"proto\" \"userinfo\" \"ASDJKJSD\") }}",
                "proto://ASDJKJSD@host:80/path#fragment",
            ),
            (
                "{{ urlJoin (dict \"scheme\" \"https\" \"host\" \"h\" \"path\" \"a b?\") }}",
                "https://h/a%20b%3F",
            ),
            (
                "{{ urlJoin (dict \"host\" 1) }}",
                "ERR template: t:1:3: executing \"t\" at <urlJoin (dict \"host\" 1)>: error calling urlJoin: unable to parse host key, must be of type string, but int found",
            ),
        ],
    );
}

#[test]
fn sprig_dates_use_the_given_now() {
    // Sprig v3.3.0 date.go over Go's time package: date formats a time.Time or Unix
    // seconds, anything else means now; duration takes int64 seconds or a decimal string
    // (a Go int is 0); durationRound keeps the largest unit.
    check_with(
        &Funcs::generic(),
        &data(),
        &now_options(),
        &[
            ("{{ now | date \"2006-01-02 15:04\" }}", "2024-05-01 10:00"),
            ("{{ now }}", "2024-05-01 10:00:00 +0000 UTC"),
            ("{{ now | unixEpoch }}", "1714557600"),
            (
                "{{ date \"2006-01-02\" 86400 }} {{ date \"2006\" \"not a time\" }}",
                "1970-01-02 2024",
            ),
            ("{{ dateInZone \"15:04 MST\" now \"UTC\" }}", "10:00 UTC"),
            ("{{ htmlDate now }}", "2024-05-01"),
            (
                "{{ duration \"95\" }} {{ duration 95 }} {{ duration (int64 3600) }}",
                "1m35s 0s 1h0m0s",
            ),
            (
                "{{ durationRound \"2h10m5s\" }} {{ durationRound \"400h\" }} {{ durationRound \"1s\" }}",
                "2h 16d 0s",
            ),
            ("{{ toDate \"2006-01-02\" \"2024-01-02\" }}", "2024-01-02 00:00:00 +0000 UTC"),
            ("{{ toDate \"2006-01-02\" \"junk\" }}", "0001-01-01 00:00:00 +0000 UTC"),
            ("{{ ago (toDate \"2006-01-02\" \"2024-04-30\") }}", "34h0m0s"),
            ("{{ now | dateModify \"-1h30m\" }}", "2024-05-01 08:30:00 +0000 UTC"),
            (
                "{{ now | mustDateModify \"x\" }}",
                "ERR template: t:1:9: executing \"t\" at <mustDateModify \"x\">: error calling mustDateModify: time: invalid duration \"x\"",
            ),
            (
                "{{ mustToDate \"2006-01-02\" \"2024-13-01\" }}",
                "ERR template: t:1:3: executing \"t\" at <mustToDate \"2006-01-02\" \"2024-13-01\">: error calling mustToDate: parsing time \"2024-13-01\": month out of range",
            ),
            (
                "{{ dateInZone \"15:04\" now \"Europe/Paris\" }}",
                "ERR template: t:1:3: executing \"t\" at <dateInZone \"15:04\" now \"Europe/Paris\">: error calling dateInZone: time zone \"Europe/Paris\": Baton has no time zone database (only UTC and Local, taken as UTC)",
            ),
        ],
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    // Template calls (100 deep by default) each nesting control structures (100 deep at most)
    // would recurse 10 000 levels; the evaluator stops at its own bound.
    let ifs = "{{if true}}".repeat(90) + "{{template \"r\" .}}" + &"{{end}}".repeat(90);
    let text = format!("{{{{define \"r\"}}}}{ifs}{{{{end}}}}{{{{template \"r\" .}}}}");
    let out = run_funcs(&text, &data(), &ExecOptions::default(), &Funcs::builtin());
    assert!(
        out.ends_with("templates and control structures nested more than 400 deep (Baton's limit)"),
        "{out}"
    );
    // A map that holds itself prints as an error, not a crash.
    let out = run_funcs(
        "{{ $d := dict }}{{ $_ := set $d \"me\" $d }}{{ $d }}",
        &data(),
        &ExecOptions::default(),
        &Funcs::generic(),
    );
    assert!(out.ends_with("value nested more than 256 deep (Baton's limit)"), "{out}");
    let g = Funcs::generic();
    let o = ExecOptions::default();
    let out = run_funcs("{{ seq 1 9223372036854775806 }}", &data(), &o, &g);
    assert!(out.contains("exceeded Baton's limit of 1000000 steps"), "{out}");
    // Go's end+1 wraps to the minimum int64 too, so this is empty in Go as well.
    assert_eq!(run_funcs("{{ seq 9223372036854775807 }}", &data(), &o, &g), "");
}

#[test]
fn interface_keyed_maps_and_zero_values() {
    // exec.go evalField: a field name works on a map whose key type a string is assignable
    // to (`string` or `interface{}`); missingkey=zero gives the element type's zero value.
    let m = Value::map(Type::Interface, Type::Int, vec![(Value::from("a"), Value::Int(1))]);
    let data = Value::any_map([("m", m)]);
    let zero = ExecOptions { missing_key: MissingKey::Zero, ..ExecOptions::default() };
    check_with(
        &Funcs::builtin(),
        &data,
        &zero,
        &[(
            "{{.m.a}} {{.m.b}} {{index .m \"a\"}} {{printf \"%T\" .m}}",
            "1 0 1 map[interface {}]int",
        )],
    );
}
