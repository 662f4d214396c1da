//! Expectations from fluxcd/pkg e2cfd1a: `envsubst/eval_test.go` (`TestExpand`,
//! `TestExpandStrict`) and `envsubst/parse/parse_test.go`, plus cases read off the scanner and
//! parser (`envsubst/parse/{scan,parse}.go`) where the tests are silent.

use super::*;

struct Vars(&'static [(&'static str, &'static str)]);

impl Lookup for Vars {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

static LONG: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A variable of 5000 bytes.
struct Long;

impl Lookup for Long {
    fn get(&self, _: &str) -> Option<&str> {
        Some(LONG.get_or_init(|| "a".repeat(5000)))
    }
}

fn budget() -> Budget {
    Budget { output_bytes: 1 << 20, steps: 1 << 20 }
}

fn expand(vars: &'static [(&'static str, &'static str)], input: &str) -> String {
    let pieces = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
    let out = eval(&pieces, &Vars(vars), &mut budget()).unwrap();
    String::from_utf8(out.text).unwrap()
}

fn unset(vars: &'static [(&'static str, &'static str)], input: &str) -> Vec<(String, Span)> {
    let pieces = parse(input).unwrap();
    eval(&pieces, &Vars(vars), &mut budget()).unwrap().unset
}

#[test]
fn expands_as_flux_test_expand_does() {
    type Case = (&'static [(&'static str, &'static str)], &'static str, &'static str);
    let cases: &[Case] = &[
        (&[], "abcdEFGH28ij", "abcdEFGH28ij"),
        (&[("var01", "abcdEFGH28ij")], "${#var01}", "12"),
        (&[("var01", "abcdEFGH28ij")], "${var01^}", "AbcdEFGH28ij"),
        (&[("var01", "abcdEFGH28ij")], "${var01^^}", "ABCDEFGH28IJ"),
        (&[("var01", "ABCDEFGH28IJ")], "${var01,}", "aBCDEFGH28IJ"),
        (&[("var01", "ABCDEFGH28IJ")], "${var01,,}", "abcdefgh28ij"),
        (
            &[("path_name", "/home/bozo/ideas/thoughts.for.today")],
            "${path_name:11}",
            "ideas/thoughts.for.today",
        ),
        (&[("path_name", "/home/bozo/ideas/thoughts.for.today")], "${path_name:11:5}", "ideas"),
        (&[("var", "abc")], "${var=xyz}", "abc"),
        (&[], "${var=xyz}", "xyz"),
        (&[("default_var", "foo")], "something ${var=${default_var}}", "something foo"),
        (&[("default_var", "foo1")], "foo: ${var=${default_var}-suffix}", "foo: foo1-suffix"),
        (
            &[("default_var", "foo1")],
            "foo: ${var=prefix${default_var}-suffix}",
            "foo: prefixfoo1-suffix",
        ),
        (&[], "${var:=xyz}", "xyz"),
        (&[("stringZ", "abcABC123ABCabc")], "${stringZ/%abc/XYZ}", "abcABC123ABCXYZ"),
        (&[("stringZ", "abcABC123ABCabc")], "${stringZ/#abc/XYZ}", "XYZABC123ABCabc"),
        (&[("stringZ", "abcABC123ABCabc")], "${stringZ//abc/xyz}", "xyzABC123ABCxyz"),
        (&[("stringZ", "abcABC123ABCabc")], "${stringZ/abc/xyz}", "xyzABC123ABCabc"),
        (&[("filename", "bash.string.txt")], "${filename#*.}", "string.txt"),
        (&[("filename", "path/to/file")], "${filename#*/}", "to/file"),
        (&[("filename", "/path/to/file")], "${filename#*/}", "path/to/file"),
        (&[("filename", "bash.string.txt")], "${filename##*.}", "txt"),
        (&[("filename", "path/to/file")], "${filename##*/}", "file"),
        (&[("filename", "/path/to/file")], "${filename##*/}", "file"),
        (&[("filename", "bash.string.txt")], "${filename%.*}", "bash.string"),
        (&[("filename", "bash.string.txt")], "${filename%%.*}", "bash"),
        (&[("var01", "abcdEFGH28ij")], "${var=${var01^^}}", "ABCDEFGH28IJ"),
        (&[("var01", "abcdEFGH28ij")], "$${var01}", "${var01}"),
        (
            &[("var01", "abcdEFGH28ij")],
            "some text ${var01}$${var$${var01}$var01${var01}",
            "some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij",
        ),
        (&[("default_var", "foo")], "something $${var=${default_var}}", "something ${var=foo}"),
        (&[("stringZ", "foo/bar")], r"${stringZ/\//-}", "foo-bar"),
        (&[("stringZ", "foo/bar/baz")], r"${stringZ//\//-}", "foo-bar-baz"),
        (&[("default_var", "foo")], "\\\\something ${var=${default_var}}", "\\\\something foo"),
        (&[("stringZ", "foo.bar")], "${stringZ/./}", "foobar"),
    ];
    for (vars, input, output) in cases {
        assert_eq!(expand(vars, input), *output, "{input}");
    }
}

/// `TestExpandStrict`: what strict mode refuses is what Flux's default mode writes as an
/// empty string, and what Baton reports (D008).
#[test]
fn unset_variables_without_a_default_are_recorded() {
    for input in [
        "${missing}",
        "${#missing}",
        "${missing^}",
        "${missing^^}",
        "${missing,}",
        "${missing,,}",
        "${missing:0}",
        "${missing:0:10}",
        "${missing/pattern/replacement}",
        "${missing//pattern/replacement}",
        "${missing/#pattern/replacement}",
        "${missing/%pattern/replacement}",
        "${missing#pattern}",
        "${missing##pattern}",
        "${missing%pattern}",
        "${missing%%pattern}",
    ] {
        let found = unset(&[("foo", "bar")], input);
        assert_eq!(found, [("missing".to_string(), Span::new(0, input.len()))], "{input}");
        assert_eq!(expand(&[], input).len(), usize::from(input.starts_with("${#")), "{input}");
    }
    for input in ["${missing:-fallback}", "${missing:=assigned}", "${missing=assigned}", "${foo}"] {
        assert!(unset(&[("foo", "")], input).is_empty(), "{input}");
    }
    assert_eq!(expand(&[], "${missing:-fallback}"), "fallback");
    assert_eq!(expand(&[("foo", "")], "${foo}"), "");
}

/// Operators read off `parse.go`: `:?` and `:+` give the default like `:-`
/// (`lookupFunc` maps them to `toDefault`), an empty value takes the default.
#[test]
fn default_operators_all_act_as_defaults() {
    assert_eq!(expand(&[("a", "x")], "${a:+y}"), "x");
    assert_eq!(expand(&[], "${a:+y}"), "y");
    assert_eq!(expand(&[], "${a:?y}"), "y");
    assert_eq!(expand(&[("a", "")], "${a:-y}"), "y");
    assert_eq!(expand(&[("a", "")], "${a=y}"), "y");
    // The default may hold spaces, colons and quotes; only `}` and `${` end it.
    assert_eq!(expand(&[], "v: ${a:=x: y 'z'}"), "v: x: y 'z'");
}

/// Errors upstream reports, each at the `$` of the `${` that fails.
#[test]
fn malformed_substitutions_are_errors_at_their_dollar() {
    let cases: &[(&str, &str, usize)] = &[
        ("a: ${", "unable to parse variable name", 3),
        ("a: ${}", "unable to parse variable name", 3),
        ("a: ${FOO", "missing closing brace", 3),
        ("a: ${FOO bar}", "missing closing brace", 3),
        // `-` and `+` without `:` are not operators here.
        ("x ${A-default}", "missing closing brace", 2),
        ("x ${A+alt}", "missing closing brace", 2),
        ("${A:=b", "unable to parse substitution within function", 0),
        ("${A:}", "unable to parse substitution within function", 0),
        ("${#}", "bad substitution", 0),
        ("${A^x}", "bad substitution", 0),
        ("ok ${B} ${A:=${C}", "unable to parse substitution within function", 8),
        ("${.x}", "unable to parse variable name", 0),
    ];
    for (input, message, at) in cases {
        let err = parse(input).expect_err(input);
        assert_eq!((err.message, err.at, err.kind), (*message, *at, Problem::Syntax), "{input}");
    }
}

#[test]
fn a_lone_dollar_and_unbraced_names_are_text() {
    assert_eq!(expand(&[("A", "x")], "$A $ {A} $$ $"), "$A $ {A} $ $");
    assert_eq!(expand(&[("A", "x")], "$$$${A}"), "$${A}");
}

/// `read` returns `rune(0)` at the end of the buffer, so a NUL character ends the text.
#[test]
fn a_nul_character_ends_the_text_as_upstream_reads_it() {
    assert_eq!(expand(&[("A", "x")], "${A}\0${A}"), "x");
}

#[test]
fn spans_point_into_the_original_text_across_escapes() {
    let pieces = parse("$${x} ${A} $${y} ${B:=c}").unwrap();
    let spans: Vec<Span> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Func(f) => Some(f.span),
            Piece::Text(_) => None,
        })
        .collect();
    assert_eq!(spans, [Span::new(6, 10), Span::new(17, 24)]);
}

#[test]
fn substring_edges_follow_bash_as_upstream_does() {
    let v: &[(&str, &str)] = &[("s", "abcdef")];
    // `:-` is a default, and `strconv.Atoi` does not skip spaces.
    assert_eq!(expand(v, "${s:-2}"), "abcdef");
    assert_eq!(expand(v, "${s: -2}"), "abcdef");
    // A negative position comes only from a nested substitution; it counts from the end.
    let n: &[(&str, &str)] = &[("s", "abcdef"), ("N", "-2"), ("M", "-9")];
    assert_eq!(expand(n, "${s:${N}}"), "ef");
    assert_eq!(expand(n, "${s:${M}:2}"), "ab");
    assert_eq!(expand(v, "${s:10}"), "");
    assert_eq!(expand(v, "${s:2:100}"), "cdef");
    assert_eq!(expand(v, "${s:x}"), "abcdef");
    assert_eq!(expand(v, "${s:1:x}"), "abcdef");
}

/// `s[pos:pos+length]` with a negative length panics in Go; Baton says so instead.
#[test]
fn a_negative_substring_length_is_an_error() {
    let pieces = parse("${s:0:${N}}").unwrap();
    let vars = Vars(&[("s", "abcdef"), ("N", "-2")]);
    assert!(matches!(eval(&pieces, &vars, &mut budget()), Err(EvalError::Panics(_))));
}

#[test]
fn nesting_is_bounded() {
    let deep = "${a:=".repeat(MAX_DEPTH + 1) + &"}".repeat(MAX_DEPTH + 1);
    let err = parse(&deep).unwrap_err();
    assert_eq!(err.kind, Problem::TooDeep);
    let ok = "${a:=".repeat(MAX_DEPTH) + "x" + &"}".repeat(MAX_DEPTH);
    assert_eq!(expand(&[], &ok), "x");
}

#[test]
fn non_ascii_variable_names_are_not_guessed() {
    let err = parse("v: ${NAMÉ}").unwrap_err();
    assert_eq!((err.kind, err.at), (Problem::NonAscii, 8));
    // Non-ASCII text elsewhere is fine.
    assert_eq!(expand(&[("A", "é")], "ü ${A} ${B:=ø}"), "ü é ø");
}

#[test]
fn output_and_matching_are_budgeted() {
    let pieces = parse(&"${BIG}".repeat(100)).unwrap();
    let vars = Vars(&[("BIG", "0123456789")]);
    let mut small = Budget { output_bytes: 999, steps: 1 << 20 };
    assert_eq!(eval(&pieces, &vars, &mut small).unwrap_err(), EvalError::Limit);
    let mut enough = Budget { output_bytes: 1000, steps: 1 << 20 };
    assert_eq!(eval(&pieces, &vars, &mut enough).unwrap().text.len(), 1000);
    let pieces = parse("${A##*a*a*a*a*b}").unwrap();
    let mut steps = Budget { output_bytes: 1 << 20, steps: 10_000 };
    assert_eq!(eval(&pieces, &Long, &mut steps).unwrap_err(), EvalError::Limit);
}

#[test]
fn case_mapping_is_rune_by_rune() {
    assert_eq!(expand(&[("s", "straße")], "${s^^}"), "STRAßE");
    assert_eq!(expand(&[("s", "élan")], "${s^}"), "Élan");
}
