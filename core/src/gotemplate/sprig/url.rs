//! Sprig's `urlParse` and `urlJoin` (`url.go`) over Go's `net/url`: `Parse` (scheme, opaque
//! part, userinfo, host with port check, path, query and fragment, each unescaped as Go
//! does) and `URL.String()` (each part escaped for its place).

use super::{Ctx, Value, kind_name};
use crate::gostring::quote;

type Res = Result<Value, String>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            };
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if should_escape(b, mode) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// Go's `unescape`, with its errors.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: Option<&u8>| c.and_then(|c| char::from(*c).to_digit(16));
                let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2))) else {
                    let end = (i + 3).min(b.len());
                    let bad = String::from_utf8_lossy(&b[i..end]).into_owned();
                    return Err(format!("invalid URL escape {}", quote(&bad)));
                };
                if mode == Mode::Host && h < 8 && &s[i..i + 3] != "%25" {
                    return Err(format!("invalid URL escape {}", quote(&s[i..i + 3])));
                }
                out.push(u8::try_from(h * 16 + l).unwrap_or(0));
                i += 3;
            }
            c => {
                if mode == Mode::Host && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        quote(&char::from(c).to_string())
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map_err(|_| "the unescaped URL is not UTF-8: Baton's strings must be UTF-8".to_owned())
}

#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_path: String,
    raw_query: String,
    fragment: String,
    force_query: bool,
    omit_host: bool,
}

fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_owned()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `url.Parse`; errors read `parse "…": …`.
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let mut url = parse_no_fragment(u).map_err(|e| format!("parse {}: {e}", quote(u)))?;
    if !frag.is_empty() {
        url.fragment =
            unescape(frag, Mode::Fragment).map_err(|e| format!("parse {}: {e}", quote(raw)))?;
    }
    Ok(url)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let mut url = Url::default();
    if raw == "*" {
        "*".clone_into(&mut url.path);
        return Ok(url);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        q.clone_into(&mut url.raw_query);
        rest = r;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            rest.clone_into(&mut url.opaque);
            return Ok(url);
        }
        if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let (authority, path) = match authority_and_path.find('/') {
            Some(i) => (&authority_and_path[..i], &authority_and_path[i..]),
            None => (authority_and_path, ""),
        };
        parse_authority(&mut url, authority)?;
        rest = path;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(rest, Mode::Path)?;
    if escape(&url.path, Mode::Path) != rest {
        rest.clone_into(&mut url.raw_path);
    }
    Ok(url)
}

fn parse_authority(url: &mut Url, authority: &str) -> Result<(), String> {
    let at = authority.rfind('@');
    let host = at.map_or(authority, |i| &authority[i + 1..]);
    url.host = parse_host(host)?;
    let Some(i) = at else { return Ok(()) };
    let userinfo = &authority[..i];
    let valid = userinfo.bytes().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b':'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'%'
                    | b'@'
            )
            || c >= 0x80
    });
    if !valid {
        return Err("net/url: invalid userinfo".to_owned());
    }
    url.user = Some(match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((name, password)) => {
            (unescape(name, Mode::UserPassword)?, Some(unescape(password, Mode::UserPassword)?))
        }
    });
    Ok(())
}

/// Go's `parseHost` (bracketed IPv6 literals, an optional numeric port).
fn parse_host(host: &str) -> Result<String, String> {
    if let Some(rest) = host.strip_prefix('[') {
        let Some(close) = rest.find(']') else {
            return Err("missing ']' in host".to_owned());
        };
        let port = &rest[close + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
        return unescape(host, Mode::Host);
    }
    if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// `URL.Hostname()` (Go's `splitHostPort`): the host without a valid port and brackets.
fn hostname(host: &str) -> &str {
    let mut h = host;
    if let Some(i) = h.rfind(':')
        && valid_optional_port(&h[i..])
    {
        h = &h[..i];
    }
    h.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(h)
}

fn userinfo_string(user: &(String, Option<String>)) -> String {
    let mut s = escape(&user.0, Mode::UserPassword);
    if let Some(p) = &user.1 {
        s.push(':');
        s.push_str(&escape(p, Mode::UserPassword));
    }
    s
}

/// Go's `URL.String()`.
fn url_string(u: &Url) -> String {
    let mut buf = String::new();
    if !u.scheme.is_empty() {
        buf.push_str(&u.scheme);
        buf.push(':');
    }
    if u.opaque.is_empty() {
        let has_authority = !u.scheme.is_empty() || !u.host.is_empty() || u.user.is_some();
        let omitted = u.omit_host && u.host.is_empty() && u.user.is_none();
        if has_authority && !omitted {
            {
                if !u.host.is_empty() || !u.path.is_empty() || u.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(user) = &u.user {
                    buf.push_str(&userinfo_string(user));
                    buf.push('@');
                }
                buf.push_str(&escape(&u.host, Mode::Host));
            }
        }
        let path = if !u.raw_path.is_empty()
            && unescape(&u.raw_path, Mode::Path).ok().as_deref() == Some(&u.path)
        {
            u.raw_path.clone()
        } else if u.path == "*" {
            "*".to_owned()
        } else {
            escape(&u.path, Mode::Path)
        };
        if !path.is_empty() && !path.starts_with('/') && !u.host.is_empty() {
            buf.push('/');
        }
        if buf.is_empty() && path.split('/').next().is_some_and(|seg| seg.contains(':')) {
            buf.push_str("./");
        }
        buf.push_str(&path);
    } else {
        buf.push_str(&u.opaque);
    }
    if u.force_query || !u.raw_query.is_empty() {
        buf.push('?');
        buf.push_str(&u.raw_query);
    }
    if !u.fragment.is_empty() {
        buf.push('#');
        buf.push_str(&escape(&u.fragment, Mode::Fragment));
    }
    buf
}

pub(super) fn url_parse(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let raw = a[0].as_str().unwrap_or("");
    let u = parse(raw).map_err(|e| format!("unable to parse url: {e}"))?;
    let userinfo = u.user.as_ref().map(userinfo_string).unwrap_or_default();
    let host_name = hostname(&u.host).to_owned();
    Ok(Value::any_map([
        ("scheme", Value::from(u.scheme)),
        ("host", Value::from(u.host)),
        ("hostname", Value::from(host_name)),
        ("path", Value::from(u.path)),
        ("query", Value::from(u.raw_query)),
        ("opaque", Value::from(u.opaque)),
        ("fragment", Value::from(u.fragment)),
        ("userinfo", Value::from(userinfo)),
    ]))
}

/// Sprig's `dictGetOrEmpty`: a string entry, or "" when absent; another type panics.
fn entry(d: &Value, key: &str) -> Result<String, String> {
    let Value::Map(m) = d else { return Ok(String::new()) };
    match m.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(Value::Nil) => Err(super::NIL_DEREF.to_owned()),
        Some(other) => Err(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            kind_name(&other)
        )),
    }
}

pub(super) fn url_join(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let d = &a[0];
    let mut u = Url {
        scheme: entry(d, "scheme")?,
        host: entry(d, "host")?,
        path: entry(d, "path")?,
        raw_query: entry(d, "query")?,
        opaque: entry(d, "opaque")?,
        fragment: entry(d, "fragment")?,
        ..Url::default()
    };
    let userinfo = entry(d, "userinfo")?;
    if !userinfo.is_empty() {
        let temp = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        u.user = temp.user;
    }
    Ok(Value::from(url_string(&u)))
}
