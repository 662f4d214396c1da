//! Sprig v3.3.0's functions (`functions.go` `genericMap`), with Go's parameter types so that
//! argument errors read as Go's (`wrong type for value; expected string; got int`).
//!
//! Two sets: [`Funcs::hermetic`] is `HermeticTxtFuncMap` (what Flux gives commit messages)
//! and [`Funcs::generic`] is `GenericFuncMap` less `env`, `expandenv` and `getHostByName`
//! (what Argo CD gives `goTemplate`). Functions whose Go result depends on randomness
//! (`randAlpha`, `uuidv4`, `shuffle`, `bcrypt`, key and certificate generation, …) fail with an
//! error saying Baton cannot evaluate them deterministically; functions that read the clock
//! use the execution's `now` and fail without it. A few deterministic functions that need
//! machinery Baton does not carry (`derivePassword`, `decryptAES`, `buildCustomCert`) fail
//! with an error naming them. No function is silently missing or approximated.

// Every function has the `NativeFn` signature, whether or not it can fail.
#![allow(clippy::unnecessary_wraps)]

mod collections;
pub(crate) mod encoding;
mod numbers;
mod strings;
mod time;
mod url;

use std::rc::Rc;

use super::value::{Type, Value};
use super::{Ctx, Funcs, Function, NativeFn, Param};

/// Sprig functions that read the environment, the clock or randomness (`nonhermeticFunctions`).
const NON_HERMETIC: &[&str] = &[
    "date",
    "date_in_zone",
    "date_modify",
    "now",
    "htmlDate",
    "htmlDateInZone",
    "dateInZone",
    "dateModify",
    "randAlphaNum",
    "randAlpha",
    "randAscii",
    "randNumeric",
    "randBytes",
    "uuidv4",
    "env",
    "expandenv",
    "getHostByName",
];

/// Parameter shorthands.
#[derive(Clone, Copy)]
enum P {
    /// `interface{}`
    A,
    /// `string`
    S,
    /// `int`
    I,
    /// `float64`
    F,
    /// `bool`
    B,
    /// `map[string]interface{}`
    M,
    /// `uint32`, shown as Go names it (only `derivePassword` has one).
    U32,
    /// `time.Time`
    T,
}

fn param(p: P) -> Param {
    match p {
        P::A => Param::Any,
        P::S => Param::Of(Type::String),
        P::I => Param::Of(Type::Int),
        P::F => Param::Of(Type::Float64),
        P::B => Param::Of(Type::Bool),
        P::M => Param::Of(Type::any_map()),
        P::U32 => Param::Of(Type::Named("uint32".into(), Rc::new(Type::Int))),
        P::T => Param::Of(Type::Struct(time::time_type())),
    }
}

/// `(name, fixed parameters, variadic parameter, implementation)`.
type Entry = (&'static str, &'static [P], Option<P>, NativeFn);

use P::{A, B, F, I, M, S, T, U32};

#[rustfmt::skip]
const TABLE: &[Entry] = &[
    ("hello", &[], None, strings::hello),
    // Dates
    ("ago", &[A], None, time::ago),
    ("date", &[S, A], None, time::date),
    ("date_in_zone", &[S, A, S], None, time::date_in_zone),
    ("date_modify", &[S, T], None, time::date_modify),
    ("dateInZone", &[S, A, S], None, time::date_in_zone),
    ("dateModify", &[S, T], None, time::date_modify),
    ("duration", &[A], None, time::duration),
    ("durationRound", &[A], None, time::duration_round),
    ("htmlDate", &[A], None, time::html_date),
    ("htmlDateInZone", &[A, S], None, time::html_date_in_zone),
    ("must_date_modify", &[S, T], None, time::must_date_modify),
    ("mustDateModify", &[S, T], None, time::must_date_modify),
    ("mustToDate", &[S, S], None, time::must_to_date),
    ("now", &[], None, time::now),
    ("toDate", &[S, S], None, time::to_date),
    ("unixEpoch", &[T], None, time::unix_epoch),
    // Strings
    ("abbrev", &[I, S], None, strings::abbrev),
    ("abbrevboth", &[I, I, S], None, strings::abbrevboth),
    ("trunc", &[I, S], None, strings::trunc),
    ("trim", &[S], None, strings::trim),
    ("upper", &[S], None, strings::upper),
    ("lower", &[S], None, strings::lower),
    ("title", &[S], None, strings::title),
    ("untitle", &[S], None, strings::untitle),
    ("substr", &[I, I, S], None, strings::substr),
    ("repeat", &[I, S], None, strings::repeat),
    ("trimall", &[S, S], None, strings::trim_all),
    ("trimAll", &[S, S], None, strings::trim_all),
    ("trimSuffix", &[S, S], None, strings::trim_suffix),
    ("trimPrefix", &[S, S], None, strings::trim_prefix),
    ("nospace", &[S], None, strings::nospace),
    ("initials", &[S], None, strings::initials),
    ("randAlphaNum", &[I], None, random),
    ("randAlpha", &[I], None, random),
    ("randAscii", &[I], None, random),
    ("randNumeric", &[I], None, random),
    ("swapcase", &[S], None, strings::swapcase),
    ("shuffle", &[S], None, random),
    ("snakecase", &[S], None, strings::snakecase),
    ("camelcase", &[S], None, strings::camelcase),
    ("kebabcase", &[S], None, strings::kebabcase),
    ("wrap", &[I, S], None, strings::wrap),
    ("wrapWith", &[I, S, S], None, strings::wrap_with),
    ("contains", &[S, S], None, strings::contains),
    ("hasPrefix", &[S, S], None, strings::has_prefix),
    ("hasSuffix", &[S, S], None, strings::has_suffix),
    ("quote", &[], Some(A), strings::quote),
    ("squote", &[], Some(A), strings::squote),
    ("cat", &[], Some(A), strings::cat),
    ("indent", &[I, S], None, strings::indent),
    ("nindent", &[I, S], None, strings::nindent),
    ("replace", &[S, S, S], None, strings::replace),
    ("plural", &[S, S, I], None, strings::plural),
    ("sha1sum", &[S], None, encoding::sha1sum),
    ("sha256sum", &[S], None, encoding::sha256sum),
    ("sha512sum", &[S], None, encoding::sha512sum),
    ("adler32sum", &[S], None, encoding::adler32sum),
    ("toString", &[A], None, strings::to_string),
    ("atoi", &[S], None, numbers::atoi),
    ("int64", &[A], None, numbers::int64),
    ("int", &[A], None, numbers::int),
    ("float64", &[A], None, numbers::float64),
    ("seq", &[], Some(I), numbers::seq),
    ("toDecimal", &[A], None, numbers::to_decimal),
    ("split", &[S, S], None, strings::split),
    ("splitList", &[S, S], None, strings::split_list),
    ("splitn", &[S, I, S], None, strings::splitn),
    ("toStrings", &[A], None, strings::to_strings),
    ("until", &[I], None, numbers::until),
    ("untilStep", &[I, I, I], None, numbers::until_step),
    // Integer and float arithmetic
    ("add1", &[A], None, numbers::add1),
    ("add", &[], Some(A), numbers::add),
    ("sub", &[A, A], None, numbers::sub),
    ("div", &[A, A], None, numbers::div),
    ("mod", &[A, A], None, numbers::modulo),
    ("mul", &[A], Some(A), numbers::mul),
    ("randInt", &[I, I], None, random),
    ("add1f", &[A], None, numbers::add1f),
    ("addf", &[], Some(A), numbers::addf),
    ("subf", &[A], Some(A), numbers::subf),
    ("divf", &[A], Some(A), numbers::divf),
    ("mulf", &[A], Some(A), numbers::mulf),
    ("biggest", &[A], Some(A), numbers::max),
    ("max", &[A], Some(A), numbers::max),
    ("min", &[A], Some(A), numbers::min),
    ("maxf", &[A], Some(A), numbers::maxf),
    ("minf", &[A], Some(A), numbers::minf),
    ("ceil", &[A], None, numbers::ceil),
    ("floor", &[A], None, numbers::floor),
    ("round", &[A, I], Some(F), numbers::round),
    // Lists of strings
    ("join", &[S, A], None, strings::join),
    ("sortAlpha", &[A], None, strings::sort_alpha),
    // Defaults
    ("default", &[A], Some(A), collections::default),
    ("empty", &[A], None, collections::empty),
    ("coalesce", &[], Some(A), collections::coalesce),
    ("all", &[], Some(A), collections::all),
    ("any", &[], Some(A), collections::any),
    ("compact", &[A], None, collections::compact),
    ("mustCompact", &[A], None, collections::must_compact),
    ("fromJson", &[S], None, encoding::from_json),
    ("toJson", &[A], None, encoding::to_json),
    ("toPrettyJson", &[A], None, encoding::to_pretty_json),
    ("toRawJson", &[A], None, encoding::to_raw_json),
    ("mustFromJson", &[S], None, encoding::must_from_json),
    ("mustToJson", &[A], None, encoding::must_to_json),
    ("mustToPrettyJson", &[A], None, encoding::must_to_pretty_json),
    ("mustToRawJson", &[A], None, encoding::to_raw_json),
    ("ternary", &[A, A, B], None, collections::ternary),
    ("deepCopy", &[A], None, collections::deep_copy),
    ("mustDeepCopy", &[A], None, collections::deep_copy),
    // Reflection
    ("typeOf", &[A], None, collections::type_of),
    ("typeIs", &[S, A], None, collections::type_is),
    ("typeIsLike", &[S, A], None, collections::type_is_like),
    ("kindOf", &[A], None, collections::kind_of),
    ("kindIs", &[S, A], None, collections::kind_is),
    ("deepEqual", &[A, A], None, collections::deep_equal),
    // OS and network (never in the sets Baton offers; listed so the tables match Sprig)
    ("env", &[S], None, environment),
    ("expandenv", &[S], None, environment),
    ("getHostByName", &[S], None, network),
    // Paths (the controllers run on Linux, so `os*` are the same as the `path` ones)
    ("base", &[S], None, strings::base),
    ("dir", &[S], None, strings::dir),
    ("clean", &[S], None, strings::clean),
    ("ext", &[S], None, strings::ext),
    ("isAbs", &[S], None, strings::is_abs),
    ("osBase", &[S], None, strings::base),
    ("osClean", &[S], None, strings::clean),
    ("osDir", &[S], None, strings::dir),
    ("osExt", &[S], None, strings::ext),
    ("osIsAbs", &[S], None, strings::is_abs),
    // Encoding
    ("b64enc", &[S], None, encoding::b64enc),
    ("b64dec", &[S], None, encoding::b64dec),
    ("b32enc", &[S], None, encoding::b32enc),
    ("b32dec", &[S], None, encoding::b32dec),
    // Data structures
    ("tuple", &[], Some(A), collections::list),
    ("list", &[], Some(A), collections::list),
    ("dict", &[], Some(A), collections::dict),
    ("get", &[M, S], None, collections::get),
    ("set", &[M, S, A], None, collections::set),
    ("unset", &[M, S], None, collections::unset),
    ("hasKey", &[M, S], None, collections::has_key),
    ("pluck", &[S], Some(M), collections::pluck),
    ("keys", &[], Some(M), collections::keys),
    ("pick", &[M], Some(S), collections::pick),
    ("omit", &[M], Some(S), collections::omit),
    ("merge", &[M], Some(M), collections::merge),
    ("mergeOverwrite", &[M], Some(M), collections::merge_overwrite),
    ("mustMerge", &[M], Some(M), collections::merge),
    ("mustMergeOverwrite", &[M], Some(M), collections::merge_overwrite),
    ("values", &[M], None, collections::values),
    ("append", &[A, A], None, collections::push),
    ("push", &[A, A], None, collections::push),
    ("mustAppend", &[A, A], None, collections::must_push),
    ("mustPush", &[A, A], None, collections::must_push),
    ("prepend", &[A, A], None, collections::prepend),
    ("mustPrepend", &[A, A], None, collections::must_prepend),
    ("first", &[A], None, collections::first),
    ("mustFirst", &[A], None, collections::must_first),
    ("rest", &[A], None, collections::rest),
    ("mustRest", &[A], None, collections::must_rest),
    ("last", &[A], None, collections::last),
    ("mustLast", &[A], None, collections::must_last),
    ("initial", &[A], None, collections::initial),
    ("mustInitial", &[A], None, collections::must_initial),
    ("reverse", &[A], None, collections::reverse),
    ("mustReverse", &[A], None, collections::must_reverse),
    ("uniq", &[A], None, collections::uniq),
    ("mustUniq", &[A], None, collections::must_uniq),
    ("without", &[A], Some(A), collections::without),
    ("mustWithout", &[A], Some(A), collections::must_without),
    ("has", &[A, A], None, collections::has),
    ("mustHas", &[A, A], None, collections::must_has),
    ("slice", &[A], Some(A), collections::slice),
    ("mustSlice", &[A], Some(A), collections::must_slice),
    ("concat", &[], Some(A), collections::concat),
    ("dig", &[], Some(A), collections::dig),
    ("chunk", &[I, A], None, collections::chunk),
    ("mustChunk", &[I, A], None, collections::must_chunk),
    // Crypto: all but the hashes need randomness or ciphers Baton does not carry
    ("bcrypt", &[S], None, random),
    ("htpasswd", &[S, S], None, random),
    ("genPrivateKey", &[S], None, random),
    ("derivePassword", &[U32, S, S, S, S], None, unsupported),
    ("buildCustomCert", &[S, S], None, unsupported),
    ("genCA", &[S, I], None, random),
    ("genCAWithKey", &[S, I, S], None, random),
    ("genSelfSignedCert", &[S, A, A, I], None, random),
    ("genSelfSignedCertWithKey", &[S, A, A, I, S], None, random),
    ("genSignedCert", &[S, A, A, I, A], None, random),
    ("genSignedCertWithKey", &[S, A, A, I, A, S], None, random),
    ("encryptAES", &[S, S], None, random),
    ("decryptAES", &[S, S], None, unsupported),
    ("randBytes", &[I], None, random),
    ("uuidv4", &[], None, random),
    // Semantic versions
    ("semver", &[S], None, encoding::semver),
    ("semverCompare", &[S, S], None, encoding::semver_compare),
    // Flow control
    ("fail", &[S], None, strings::fail),
    // Regular expressions
    ("regexMatch", &[S, S], None, encoding::regex_match),
    ("mustRegexMatch", &[S, S], None, encoding::must_regex_match),
    ("regexFindAll", &[S, S, I], None, encoding::regex_find_all),
    ("mustRegexFindAll", &[S, S, I], None, encoding::must_regex_find_all),
    ("regexFind", &[S, S], None, encoding::regex_find),
    ("mustRegexFind", &[S, S], None, encoding::must_regex_find),
    ("regexReplaceAll", &[S, S, S], None, encoding::regex_replace_all),
    ("mustRegexReplaceAll", &[S, S, S], None, encoding::must_regex_replace_all),
    ("regexReplaceAllLiteral", &[S, S, S], None, encoding::regex_replace_all_literal),
    ("mustRegexReplaceAllLiteral", &[S, S, S], None, encoding::must_regex_replace_all_literal),
    ("regexSplit", &[S, S, I], None, encoding::regex_split),
    ("mustRegexSplit", &[S, S, I], None, encoding::must_regex_split),
    ("regexQuoteMeta", &[S], None, encoding::regex_quote_meta),
    // URLs
    ("urlParse", &[S], None, url::url_parse),
    ("urlJoin", &[M], None, url::url_join),
];

fn build(skip: &[&str]) -> Funcs {
    let mut funcs = Funcs::builtin();
    for (name, params, rest, imp) in TABLE {
        if skip.contains(name) {
            continue;
        }
        let params = params.iter().map(|p| param(*p)).collect();
        let function = match rest {
            Some(rest) => Function::variadic(params, param(*rest), *imp),
            None => Function::new(params, *imp),
        };
        funcs.insert(name, function);
    }
    funcs
}

thread_local! {
    // Built once per thread (the engine has one): a set is shared, so clones are cheap.
    static HERMETIC: Funcs = build(NON_HERMETIC);
    static GENERIC: Funcs = build(&["env", "expandenv", "getHostByName"]);
}

impl Funcs {
    /// Sprig's `HermeticTxtFuncMap`: what Flux's image automation gives commit messages.
    #[must_use]
    pub fn hermetic() -> Funcs {
        HERMETIC.with(Funcs::clone)
    }

    /// Sprig's `GenericFuncMap` less `env`, `expandenv` and `getHostByName`: what Argo CD
    /// gives `goTemplate` `ApplicationSets` (before adding its own functions).
    #[must_use]
    pub fn generic() -> Funcs {
        GENERIC.with(Funcs::clone)
    }
}

/// The name of the function being called is not passed to implementations, so the shared
/// refusals say what kind of function it is; the evaluator prefixes `error calling NAME:`.
fn random(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, String> {
    Err("the result is random: Baton cannot evaluate it offline deterministically".to_owned())
}

fn unsupported(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, String> {
    Err("Baton does not implement this Sprig function".to_owned())
}

fn environment(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, String> {
    Err("the result depends on the controller's environment, which Baton does not see".to_owned())
}

fn network(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, String> {
    Err("the result needs a DNS lookup, which Baton does not make".to_owned())
}

/// Sprig's `strval`: strings as they are, `String()` forms, anything else as `%v`.
pub(crate) fn strval(ctx: &mut Ctx<'_>, v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        Value::Struct(s) if s.display.is_some() => {
            Ok(s.display.as_deref().unwrap_or("").to_owned())
        }
        other => ctx.sprint(std::slice::from_ref(other)),
    }
}

/// `reflect.Value.Kind().String()` of an `interface{}` argument (`invalid` for nil).
pub(crate) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Invalid | Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "slice",
        Value::Map(_) => "map",
        Value::Struct(_) => "struct",
    }
}

/// What Go says when code calls a method on `reflect.TypeOf(nil)`.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";
