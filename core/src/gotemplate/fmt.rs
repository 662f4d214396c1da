//! Go's `fmt` for template values: `Sprint`, `Sprintln`, `Sprintf` and the `%v` that
//! `{{.}}` prints, following `fmt/print.go` and `fmt/format.go` (Go 1.26).
//!
//! Composite values print as Go prints them through reflection (`map[a:1 b:2]`, `[a b]`,
//! `{a b}`, `<nil>` for a nil interface inside a container), structs with a `String()` form
//! print that form, and a verb that does not fit its operand prints Go's `%!d(string=x)`.
//! Floats go through [`crate::float::format_go`], the one float formatter of the engine.
//! The `%x`/`%b` verbs on floats (hexadecimal mantissas) are refused with an error rather
//! than printed wrong.

use super::Budget;
use super::value::Value;

/// Formatting flags of one verb (Go's `fmt.fmtFlags`).
#[derive(Debug, Default, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// Builds output for one call, charging the budget as it goes.
pub(crate) struct Printer<'b> {
    pub(crate) buf: String,
    budget: &'b mut Budget,
    flags: Flags,
}

type Res = Result<(), String>;

impl<'b> Printer<'b> {
    pub(crate) fn new(budget: &'b mut Budget) -> Printer<'b> {
        Printer { buf: String::new(), budget, flags: Flags::default() }
    }

    fn check(&mut self) -> Res {
        self.budget.output(self.buf.len())
    }

    /// `fmt.Sprint`: operands separated by a space when neither side is a string.
    pub(crate) fn sprint(&mut self, args: &[Value]) -> Res {
        let mut prev_string = false;
        for (i, arg) in args.iter().enumerate() {
            let is_string = matches!(arg, Value::String(_));
            if i > 0 && !is_string && !prev_string {
                self.buf.push(' ');
            }
            self.flags = Flags::default();
            self.print_arg(arg, 'v')?;
            prev_string = is_string;
        }
        Ok(())
    }

    /// `fmt.Sprintln`: operands always separated by a space, then a newline.
    pub(crate) fn sprintln(&mut self, args: &[Value]) -> Res {
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push(' ');
            }
            self.flags = Flags::default();
            self.print_arg(arg, 'v')?;
        }
        self.buf.push('\n');
        self.check()
    }

    /// `fmt.Sprintf`.
    pub(crate) fn sprintf(&mut self, format: &str, args: &[Value]) -> Res {
        let bytes = format.as_bytes();
        let mut arg_num = 0;
        let mut reordered = false;
        let mut good;
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i] != b'%' {
                i += 1;
            }
            if i > start {
                self.buf.push_str(&format[start..i]);
                self.check()?;
            }
            if i >= bytes.len() {
                break;
            }
            i += 1; // the '%'
            self.flags = Flags::default();
            good = true;
            while i < bytes.len() {
                match bytes[i] {
                    b'#' => self.flags.sharp = true,
                    b'0' => self.flags.zero = !self.flags.minus,
                    b'+' => self.flags.plus = true,
                    b'-' => {
                        self.flags.minus = true;
                        self.flags.zero = false;
                    }
                    b' ' => self.flags.space = true,
                    _ => break,
                }
                i += 1;
            }
            // Argument index, then width.
            (arg_num, i, reordered, good) =
                arg_index(bytes, i, arg_num, args.len(), reordered, good);
            if bytes.get(i) == Some(&b'*') {
                i += 1;
                match int_arg(args, arg_num) {
                    Some(w) => {
                        if w < 0 {
                            self.flags.minus = true;
                            self.flags.zero = false;
                        }
                        self.flags.width = Some(w.unsigned_abs() as usize);
                    }
                    None => self.buf.push_str("%!(BADWIDTH)"),
                }
                arg_num += 1;
                reordered = false;
            } else {
                let (n, next) = parse_num(bytes, i);
                if next > i {
                    match n {
                        Some(n) => self.flags.width = Some(n),
                        None => self.buf.push_str("%!(BADWIDTH)"),
                    }
                }
                i = next;
            }
            if bytes.get(i) == Some(&b'.') {
                i += 1;
                (arg_num, i, reordered, good) =
                    arg_index(bytes, i, arg_num, args.len(), reordered, good);
                if bytes.get(i) == Some(&b'*') {
                    i += 1;
                    match int_arg(args, arg_num) {
                        Some(p) if p >= 0 => self.flags.precision = usize::try_from(p).ok(),
                        Some(_) => self.flags.precision = None,
                        None => self.buf.push_str("%!(BADPREC)"),
                    }
                    arg_num += 1;
                    reordered = false;
                } else {
                    let (n, next) = parse_num(bytes, i);
                    match n {
                        Some(n) => self.flags.precision = Some(n),
                        None if next > i => self.buf.push_str("%!(BADPREC)"),
                        None => self.flags.precision = Some(0),
                    }
                    i = next;
                }
            }
            if !reordered {
                (arg_num, i, reordered, good) =
                    arg_index(bytes, i, arg_num, args.len(), reordered, good);
            }
            let Some(verb) = format[i..].chars().next() else {
                self.buf.push_str("%!(NOVERB)");
                break;
            };
            i += verb.len_utf8();
            match verb {
                '%' => self.buf.push('%'),
                _ if !good => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(BADINDEX)");
                }
                _ if arg_num >= args.len() => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(MISSING)");
                }
                'w' => {
                    self.buf.push_str("%!w(");
                    self.buf.push_str(&args[arg_num].type_of().to_string());
                    self.buf.push('=');
                    self.flags = Flags::default();
                    self.print_arg(&args[arg_num], 'v')?;
                    self.buf.push(')');
                    arg_num += 1;
                }
                _ => {
                    self.print_arg(&args[arg_num], verb)?;
                    arg_num += 1;
                }
            }
            self.check()?;
        }
        if !reordered && arg_num < args.len() {
            self.flags = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if matches!(arg, Value::Nil | Value::Invalid) {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.type_of().to_string());
                    self.buf.push('=');
                    self.print_arg(arg, 'v')?;
                }
            }
            self.buf.push(')');
        }
        self.check()
    }

    /// `pp.printArg`: an operand of `Sprint*`, whose nil is the untyped nil.
    pub(crate) fn print_arg(&mut self, arg: &Value, verb: char) -> Res {
        self.budget.step(1)?;
        match arg {
            Value::Nil | Value::Invalid => match verb {
                'T' | 'v' => {
                    self.pad("<nil>");
                    Ok(())
                }
                _ => self.bad_verb(arg, verb),
            },
            _ if verb == 'T' => {
                let t = arg.type_of().to_string();
                self.pad(&t);
                Ok(())
            }
            _ => self.print_value(arg, verb, 0),
        }
    }

    /// `pp.printValue`: a value reached by reflection, `depth` levels down.
    fn print_value(&mut self, value: &Value, verb: char, depth: usize) -> Res {
        self.budget.step(1)?;
        if depth > super::value::MAX_DEPTH as usize {
            // Only a map that holds itself (through Sprig's `set`) gets here; Go would
            // recurse until its stack ran out.
            return Err(format!(
                "value nested more than {} deep (Baton's limit)",
                super::value::MAX_DEPTH
            ));
        }
        match value {
            Value::Invalid if depth == 0 => {
                self.buf.push_str("<invalid reflect.Value>");
                Ok(())
            }
            Value::Invalid | Value::Nil => {
                // A nil interface inside a container prints `<nil>` whatever the verb.
                self.buf.push_str("<nil>");
                Ok(())
            }
            Value::Bool(b) => match verb {
                't' | 'v' => {
                    self.pad(if *b { "true" } else { "false" });
                    Ok(())
                }
                _ => self.bad_verb(value, verb),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i, verb, value),
            Value::Float(f) => self.fmt_float(*f, verb, value),
            Value::String(s) => self.fmt_string(s, verb, value),
            Value::Struct(s)
                if s.display.is_some() && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') =>
            {
                let text = s.display.clone().unwrap_or_default();
                self.fmt_string(&text, verb, value)
            }
            Value::Map(m) => {
                self.buf.push_str("map[");
                let entries = m.entries().clone();
                for (k, (key, val)) in entries.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(key, verb, depth + 1)?;
                    self.buf.push(':');
                    self.print_value(val, verb, depth + 1)?;
                    self.check()?;
                }
                self.buf.push(']');
                Ok(())
            }
            Value::Struct(s) => {
                self.buf.push('{');
                for (k, (def, val)) in s.ty.fields.iter().zip(&s.fields).enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    if self.flags.plus {
                        self.buf.push_str(&def.name);
                        self.buf.push(':');
                    }
                    self.print_value(val, verb, depth + 1)?;
                    self.check()?;
                }
                self.buf.push('}');
                Ok(())
            }
            Value::List(l) => {
                self.buf.push('[');
                for (k, item) in l.items.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(item, verb, depth + 1)?;
                    self.check()?;
                }
                self.buf.push(']');
                Ok(())
            }
        }
    }

    /// `%!verb(type=value)`.
    fn bad_verb(&mut self, value: &Value, verb: char) -> Res {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if matches!(value, Value::Nil | Value::Invalid) {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&value.type_of().to_string());
            self.buf.push('=');
            let saved = self.flags;
            self.flags = Flags::default();
            self.print_value(value, 'v', 0)?;
            self.flags = saved;
        }
        self.buf.push(')');
        Ok(())
    }

    /// Pads `s` to the width (counted in characters), with spaces or, if asked, zeros.
    fn pad(&mut self, s: &str) {
        let Some(width) = self.flags.width else {
            self.buf.push_str(s);
            return;
        };
        let n = s.chars().count();
        if n >= width {
            self.buf.push_str(s);
            return;
        }
        let fill = if self.flags.zero && !self.flags.minus { '0' } else { ' ' };
        if self.flags.minus {
            self.buf.push_str(s);
            self.buf.extend(std::iter::repeat_n(' ', width - n));
        } else {
            self.buf.extend(std::iter::repeat_n(fill, width - n));
            self.buf.push_str(s);
        }
    }

    fn fmt_integer(&mut self, i: i64, verb: char, value: &Value) -> Res {
        let base = match verb {
            'v' | 'd' => 10,
            'b' => 2,
            'o' | 'O' => 8,
            'x' | 'X' => 16,
            'c' => {
                let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
                self.pad(&c.to_string());
                return Ok(());
            }
            'q' => {
                let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
                let q = crate::gostring::quote_rune(c, self.flags.plus);
                self.pad(&q);
                return Ok(());
            }
            'U' => {
                let mut s = format!("U+{:04X}", i.unsigned_abs());
                let c = u32::try_from(i).ok().and_then(char::from_u32);
                if let (true, Some(c)) = (self.flags.sharp, c)
                    && crate::gostring::is_print(c)
                {
                    s.push_str(&format!(" '{c}'"));
                }
                self.pad(&s);
                return Ok(());
            }
            _ => return self.bad_verb(value, verb),
        };
        let mut digits = match base {
            2 => format!("{:b}", i.unsigned_abs()),
            8 => format!("{:o}", i.unsigned_abs()),
            16 if verb == 'X' => format!("{:X}", i.unsigned_abs()),
            16 => format!("{:x}", i.unsigned_abs()),
            _ => i.unsigned_abs().to_string(),
        };
        // Precision is a minimum number of digits; `%.0d` of zero prints nothing.
        let mut precision = self.flags.precision;
        if precision.is_none()
            && self.flags.zero
            && !self.flags.minus
            && let Some(w) = self.flags.width
        {
            {
                let mut room = w;
                if i < 0 || self.flags.plus || self.flags.space {
                    room = room.saturating_sub(1);
                }
                precision = Some(room);
            }
        }
        if precision == Some(0) && i == 0 {
            let saved = self.flags.zero;
            self.flags.zero = false;
            self.pad("");
            self.flags.zero = saved;
            return Ok(());
        }
        if let Some(p) = precision
            && digits.len() < p
        {
            digits = format!("{}{digits}", "0".repeat(p - digits.len()));
        }
        let mut prefix = String::new();
        if self.flags.sharp {
            match base {
                2 => prefix.push_str("0b"),
                8 if !digits.starts_with('0') => prefix.push('0'),
                16 => prefix.push_str(if verb == 'X' { "0X" } else { "0x" }),
                _ => {}
            }
        }
        if verb == 'O' {
            "0o".clone_into(&mut prefix);
        }
        let sign = if i < 0 {
            "-"
        } else if self.flags.plus {
            "+"
        } else if self.flags.space {
            " "
        } else {
            ""
        };
        let text = format!("{sign}{prefix}{digits}");
        let saved = self.flags.zero;
        self.flags.zero = false;
        self.pad(&text);
        self.flags.zero = saved;
        Ok(())
    }

    fn fmt_float(&mut self, f: f64, verb: char, value: &Value) -> Res {
        let (format, default_precision) = match verb {
            'v' | 'g' => (b'g', None),
            'G' => (b'G', None),
            'f' | 'F' => (b'f', Some(6)),
            'e' => (b'e', Some(6)),
            'E' => (b'E', Some(6)),
            'b' | 'x' | 'X' => {
                return Err(format!(
                    "Baton does not implement the %{verb} verb for floating-point values"
                ));
            }
            _ => return self.bad_verb(value, verb),
        };
        let precision = self.flags.precision.or(default_precision);
        let mut num = crate::float::format_go(f, format, precision);
        if self.flags.sharp && format.eq_ignore_ascii_case(&b'g') && f.is_finite() {
            num = sharp_g(&num, precision.unwrap_or(6));
        }
        let (sign, body) = match num.strip_prefix('-') {
            Some(rest) => ("-", rest.to_owned()),
            None => (
                if self.flags.plus {
                    "+"
                } else if self.flags.space {
                    " "
                } else {
                    ""
                },
                num.trim_start_matches('+').to_owned(),
            ),
        };
        if !f.is_finite() {
            let sign = if f.is_nan() && !self.flags.plus && !self.flags.space {
                ""
            } else if f.is_nan() {
                sign
            } else if f > 0.0 {
                if self.flags.space && !self.flags.plus { " " } else { "+" }
            } else {
                "-"
            };
            let saved = self.flags.zero;
            self.flags.zero = false;
            self.pad(&format!("{sign}{body}"));
            self.flags.zero = saved;
            return Ok(());
        }
        match self.flags.width {
            Some(w) if self.flags.zero && !self.flags.minus && !sign.is_empty() => {
                let n = body.chars().count() + 1;
                self.buf.push_str(sign);
                if w > n {
                    self.buf.extend(std::iter::repeat_n('0', w - n));
                }
                self.buf.push_str(&body);
            }
            _ => self.pad(&format!("{sign}{body}")),
        }
        Ok(())
    }

    fn fmt_string(&mut self, s: &str, verb: char, value: &Value) -> Res {
        match verb {
            'v' | 's' => {
                let s = match self.flags.precision {
                    Some(p) => s.chars().take(p).collect::<String>(),
                    None => s.to_owned(),
                };
                self.pad(&s);
            }
            'q' => {
                let s = match self.flags.precision {
                    Some(p) => s.chars().take(p).collect::<String>(),
                    None => s.to_owned(),
                };
                let q = if self.flags.sharp && can_backquote(&s) {
                    format!("`{s}`")
                } else {
                    crate::gostring::quote_with(&s, self.flags.plus)
                };
                self.pad(&q);
            }
            'x' | 'X' => {
                let bytes = s.as_bytes();
                let n = self.flags.precision.map_or(bytes.len(), |p| p.min(bytes.len()));
                let mut out = String::new();
                for (k, b) in bytes[..n].iter().enumerate() {
                    if self.flags.space && k > 0 {
                        out.push(' ');
                    }
                    if self.flags.sharp && (self.flags.space || k == 0) {
                        out.push_str(if verb == 'X' { "0X" } else { "0x" });
                    }
                    if verb == 'X' {
                        out.push_str(&format!("{b:02X}"));
                    } else {
                        out.push_str(&format!("{b:02x}"));
                    }
                }
                self.pad(&out);
            }
            _ => return self.bad_verb(value, verb),
        }
        Ok(())
    }
}

/// `%#g`: keep trailing zeros up to the precision and always a decimal point.
fn sharp_g(num: &str, precision: usize) -> String {
    let (mantissa, exponent) = match num.find(['e', 'E']) {
        Some(at) => (&num[..at], &num[at..]),
        None => (num, ""),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let leading_zeros = {
        let m = mantissa.trim_start_matches('-');
        m.strip_prefix("0.").map_or(0, |f| f.bytes().take_while(|&b| b == b'0').count() + 1)
    };
    let significant = digits - leading_zeros;
    let mut out = mantissa.to_owned();
    if !out.contains('.') {
        out.push('.');
    }
    let p = precision.max(1);
    if significant < p {
        out.push_str(&"0".repeat(p - significant));
    }
    out.push_str(exponent);
    out
}

/// Parses `[n]` at `i`, Go's explicit argument index (1-based in the format): returns the
/// argument number, where parsing goes on, whether the arguments were reordered, and
/// whether the index was good.
fn arg_index(
    bytes: &[u8],
    i: usize,
    arg_num: usize,
    n_args: usize,
    reordered: bool,
    good: bool,
) -> (usize, usize, bool, bool) {
    if bytes.get(i) != Some(&b'[') {
        return (arg_num, i, reordered, good);
    }
    let Some(close) = bytes[i..].iter().position(|&b| b == b']') else {
        return (arg_num, i + 1, true, false);
    };
    let text = std::str::from_utf8(&bytes[i + 1..i + close]).unwrap_or("");
    match text.parse::<usize>() {
        Ok(n) if n >= 1 && n <= n_args => (n - 1, i + close + 1, true, good),
        _ => (arg_num, i + close + 1, true, false),
    }
}

/// Digits at `i`: the number (None past Go's 1e6 limit) and where they end.
fn parse_num(bytes: &[u8], mut i: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    let mut ok = true;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        n = n.saturating_mul(10).saturating_add(usize::from(b - b'0'));
        if n > 1_000_000 {
            ok = false;
        }
        i += 1;
    }
    if i == start || !ok { (None, i) } else { (Some(n), i) }
}

fn int_arg(args: &[Value], i: usize) -> Option<i64> {
    match args.get(i)? {
        Value::Int(n) | Value::Int64(n) if n.unsigned_abs() <= 1_000_000 => Some(*n),
        _ => None,
    }
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c == '\t' || (c != '`' && c != '\u{FEFF}' && (c >= ' ' && c != '\u{7f}')))
}
