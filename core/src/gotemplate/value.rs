//! The data a template sees: a small model of Go's `reflect.Value`.
//!
//! Go templates are typed: the same missing key prints `<no value>` in a
//! `map[string]interface{}` and the empty string in a `map[string]string`, and error messages
//! name types (`can't evaluate field X in type update.Result`). So containers carry their Go
//! type ([`Type`]), and a value remembers nothing else: whether a slot holds an interface is
//! known from the container's element type. Maps keep their entries sorted as Go's
//! `internal/fmtsort` does, so `range` and `%v` need no sorting. Every container records its
//! nesting depth; functions that build values refuse to go past [`MAX_DEPTH`], which bounds
//! every recursive walk over values (printing, JSON, comparison).

use std::cell::{Cell, Ref, RefCell};
use std::cmp::Ordering;
use std::rc::Rc;

use crate::yaml::json::Json;

/// The deepest nesting of lists, maps and structs a function may build.
pub const MAX_DEPTH: u32 = 256;

/// A Go type, as far as templates can observe it.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `interface {}` (`any`).
    Interface,
    Bool,
    /// Go's `int`.
    Int,
    Int64,
    Float64,
    String,
    Slice(Rc<Type>),
    Map(Rc<Type>, Rc<Type>),
    Struct(Rc<StructType>),
    /// A named type over another one (`update.ObjectChanges` is a named map type).
    Named(Rc<str>, Rc<Type>),
}

impl Type {
    /// `[]interface {}`.
    #[must_use]
    pub fn any_slice() -> Type {
        Type::Slice(Rc::new(Type::Interface))
    }

    /// `map[string]interface {}`.
    #[must_use]
    pub fn any_map() -> Type {
        Type::Map(Rc::new(Type::String), Rc::new(Type::Interface))
    }

    /// The type without its name (Go's underlying type, which decides the kind).
    #[must_use]
    pub fn underlying(&self) -> &Type {
        match self {
            Type::Named(_, inner) => inner.underlying(),
            other => other,
        }
    }

    /// The zero value of the type (`reflect.Zero`).
    #[must_use]
    pub fn zero(&self) -> Value {
        match self.underlying() {
            Type::Interface | Type::Named(..) => Value::Nil,
            Type::Bool => Value::Bool(false),
            Type::Int => Value::Int(0),
            Type::Int64 => Value::Int64(0),
            Type::Float64 => Value::Float(0.0),
            Type::String => Value::String(Rc::from("")),
            Type::Slice(_) => Value::List(Rc::new(List::new(self.clone(), Vec::new()))),
            Type::Map(..) => Value::Map(Rc::new(Map::new(self.clone(), Vec::new()))),
            Type::Struct(def) => {
                let fields = def.fields.iter().map(|f| f.ty.zero()).collect();
                let methods = def.methods.iter().map(|(_, ty)| ty.zero()).collect();
                Value::Struct(Rc::new(Struct::new(def.clone(), fields, methods, None)))
            }
        }
    }

    pub(crate) fn is_interface(&self) -> bool {
        matches!(self.underlying(), Type::Interface)
    }
}

impl std::fmt::Display for Type {
    /// Go's `reflect.Type.String()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Interface => f.write_str("interface {}"),
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Int64 => f.write_str("int64"),
            Type::Float64 => f.write_str("float64"),
            Type::String => f.write_str("string"),
            Type::Slice(elem) => write!(f, "[]{elem}"),
            Type::Map(key, elem) => write!(f, "map[{key}]{elem}"),
            Type::Struct(def) => f.write_str(&def.name),
            Type::Named(name, _) => f.write_str(name),
        }
    }
}

/// A struct type: its Go name (`source.TemplateData`), fields in declaration order,
/// niladic methods whose results each value carries (`.Changed.Objects`), each with its
/// result type, and methods that take arguments (`Compare` of `*semver.Version`), called
/// with the receiver as their first argument.
#[derive(Debug, Clone)]
pub struct StructType {
    pub name: String,
    pub fields: Vec<Field>,
    pub methods: Vec<(String, Type)>,
    pub calls: Vec<(String, crate::gotemplate::Function)>,
}

impl PartialEq for StructType {
    /// Go's type identity, as far as values show it: the same name, fields and niladic
    /// methods (a method's parameter may name its own type before the type is complete).
    fn eq(&self, other: &StructType) -> bool {
        self.name == other.name && self.fields == other.fields && self.methods == other.methods
    }
}

impl StructType {
    /// A struct type with fields only.
    #[must_use]
    pub fn new(name: &str, fields: Vec<Field>) -> StructType {
        StructType { name: name.to_owned(), fields, methods: Vec::new(), calls: Vec::new() }
    }

    /// Adds a niladic method (its result is given with each value).
    #[must_use]
    pub fn with_method(mut self, name: &str, result: Type) -> StructType {
        self.methods.push((name.to_owned(), result));
        self
    }
}

/// A struct field. Embedded fields promote their own fields, as in Go.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub embedded: bool,
}

impl Field {
    #[must_use]
    pub fn new(name: &str, ty: Type) -> Field {
        Field { name: name.to_owned(), ty, embedded: false }
    }

    /// An embedded field (its name is its type's name without the package).
    #[must_use]
    pub fn embedded(name: &str, ty: Type) -> Field {
        Field { name: name.to_owned(), ty, embedded: true }
    }
}

/// A value. `Invalid` is Go's zero `reflect.Value` (what a missing map key gives; it prints
/// `<no value>`); `Nil` is a nil `interface{}` (a JSON `null`).
#[derive(Debug, Clone, Default)]
pub enum Value {
    #[default]
    Invalid,
    Nil,
    Bool(bool),
    /// Go's `int`.
    Int(i64),
    Int64(i64),
    Float(f64),
    String(Rc<str>),
    List(Rc<List>),
    Map(Rc<Map>),
    Struct(Rc<Struct>),
}

/// A slice.
#[derive(Debug, Clone)]
pub struct List {
    /// The slice type itself (`[]string`, or a named slice type).
    pub ty: Type,
    pub items: Vec<Value>,
    depth: u32,
}

impl List {
    fn new(ty: Type, items: Vec<Value>) -> List {
        let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
        List { ty, items, depth }
    }

    /// The element type.
    #[must_use]
    pub fn elem(&self) -> Type {
        match self.ty.underlying() {
            Type::Slice(elem) => (**elem).clone(),
            _ => Type::Interface,
        }
    }
}

/// A map, its entries sorted by key as Go's `fmtsort` orders them. Like a Go map it is a
/// reference: Sprig's `set`, `unset` and `merge` change it where every holder sees it.
#[derive(Debug)]
pub struct Map {
    /// The map type itself.
    pub ty: Type,
    entries: RefCell<Vec<(Value, Value)>>,
    depth: Cell<u32>,
}

impl Map {
    fn new(ty: Type, mut entries: Vec<(Value, Value)>) -> Map {
        crate::sort::sort_by(&mut entries, |a, b| compare_keys(&a.0, &b.0));
        // A later duplicate key wins, as assigning to a Go map does.
        let mut deduped: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match deduped.last_mut() {
                Some(last) if compare_keys(&last.0, &k) == Ordering::Equal => last.1 = v,
                _ => deduped.push((k, v)),
            }
        }
        let depth = 1 + deduped.iter().map(|(k, v)| k.depth().max(v.depth())).max().unwrap_or(0);
        Map { ty, entries: RefCell::new(deduped), depth: Cell::new(depth) }
    }

    /// The entries, in key order.
    #[must_use]
    pub fn entries(&self) -> Ref<'_, Vec<(Value, Value)>> {
        self.entries.borrow()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    #[must_use]
    pub fn key_type(&self) -> Type {
        match self.ty.underlying() {
            Type::Map(key, _) => (**key).clone(),
            _ => Type::Interface,
        }
    }

    #[must_use]
    pub fn elem(&self) -> Type {
        match self.ty.underlying() {
            Type::Map(_, elem) => (**elem).clone(),
            _ => Type::Interface,
        }
    }

    /// The value under a string key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Value> {
        self.find(&Value::from(key))
    }

    /// The value under `key` (binary search in fmtsort order).
    #[must_use]
    pub fn find(&self, key: &Value) -> Option<Value> {
        let entries = self.entries.borrow();
        entries.binary_search_by(|(k, _)| compare_keys(k, key)).ok().map(|i| entries[i].1.clone())
    }

    /// `m[key] = value`.
    pub fn insert(&self, key: Value, value: Value) {
        let depth = 1 + key.depth().max(value.depth());
        if depth > self.depth.get() {
            self.depth.set(depth);
        }
        let mut entries = self.entries.borrow_mut();
        match entries.binary_search_by(|(k, _)| compare_keys(k, &key)) {
            Ok(i) => entries[i].1 = value,
            Err(i) => entries.insert(i, (key, value)),
        }
    }

    /// `delete(m, key)`.
    pub fn remove(&self, key: &Value) {
        let mut entries = self.entries.borrow_mut();
        if let Ok(i) = entries.binary_search_by(|(k, _)| compare_keys(k, key)) {
            entries.remove(i);
        }
    }
}

impl Drop for Map {
    /// Drops nested maps and lists without recursion (a map may hold a long chain of maps).
    fn drop(&mut self) {
        let mut pending: Vec<Value> = Vec::new();
        for (k, v) in self.entries.get_mut().drain(..) {
            pending.push(k);
            pending.push(v);
        }
        while let Some(v) = pending.pop() {
            match v {
                Value::Map(m) => {
                    if let Ok(mut m) = Rc::try_unwrap(m) {
                        for (k, v) in m.entries.get_mut().drain(..) {
                            pending.push(k);
                            pending.push(v);
                        }
                    }
                }
                Value::List(l) => {
                    if let Ok(mut l) = Rc::try_unwrap(l) {
                        pending.append(&mut l.items);
                    }
                }
                _ => {}
            }
        }
    }
}

/// A struct value; `display` is its `String()` form when its Go type has one.
#[derive(Debug, Clone)]
pub struct Struct {
    pub ty: Rc<StructType>,
    pub fields: Vec<Value>,
    /// Results of the type's niladic methods, in the order of `ty.methods`.
    pub methods: Vec<Value>,
    pub display: Option<Rc<str>>,
    depth: u32,
}

impl Struct {
    fn new(
        ty: Rc<StructType>,
        fields: Vec<Value>,
        methods: Vec<Value>,
        display: Option<Rc<str>>,
    ) -> Struct {
        let depth = 1 + fields.iter().chain(&methods).map(Value::depth).max().unwrap_or(0);
        Struct { ty, fields, methods, display, depth }
    }

    /// A field by name, promoted through embedded structs as Go's `FieldByName` finds it
    /// (the shallowest match; two at the same depth are ambiguous and find nothing). Returns
    /// the value and its declared type.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<(Value, Type)> {
        let mut level: Vec<&Struct> = vec![self];
        while !level.is_empty() {
            let mut found = None;
            let mut count = 0;
            let mut next = Vec::new();
            for s in &level {
                for (def, value) in s.ty.fields.iter().zip(&s.fields) {
                    if def.name == name {
                        count += 1;
                        found = Some((value.clone(), def.ty.clone()));
                    } else if def.embedded
                        && let Value::Struct(inner) = value
                    {
                        next.push(&**inner);
                    }
                }
            }
            match count {
                0 => level = next,
                1 => return found,
                _ => return None,
            }
        }
        None
    }

    /// A niladic method's result and type.
    #[must_use]
    pub fn method(&self, name: &str) -> Option<(Value, Type)> {
        let i = self.ty.methods.iter().position(|(n, _)| n == name)?;
        Some((self.methods.get(i)?.clone(), self.ty.methods[i].1.clone()))
    }
}

impl Value {
    /// A string.
    #[must_use]
    pub fn string(s: impl AsRef<str>) -> Value {
        Value::String(Rc::from(s.as_ref()))
    }

    /// A slice of type `[]elem`.
    #[must_use]
    pub fn list(elem: Type, items: Vec<Value>) -> Value {
        Value::List(Rc::new(List::new(Type::Slice(Rc::new(elem)), items)))
    }

    /// A slice of a given (possibly named) slice type.
    #[must_use]
    pub fn list_of_type(ty: Type, items: Vec<Value>) -> Value {
        Value::List(Rc::new(List::new(ty, items)))
    }

    /// `[]interface{}`.
    #[must_use]
    pub fn any_list(items: Vec<Value>) -> Value {
        Value::list(Type::Interface, items)
    }

    /// `[]string`.
    #[must_use]
    pub fn string_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::list(Type::String, items.into_iter().map(Value::string).collect())
    }

    /// A map of type `map[key]elem`; a later duplicate key wins.
    #[must_use]
    pub fn map(key: Type, elem: Type, entries: Vec<(Value, Value)>) -> Value {
        Value::map_of_type(Type::Map(Rc::new(key), Rc::new(elem)), entries)
    }

    /// A map of a given (possibly named) map type.
    #[must_use]
    pub fn map_of_type(ty: Type, entries: Vec<(Value, Value)>) -> Value {
        Value::Map(Rc::new(Map::new(ty, entries)))
    }

    /// `map[string]interface{}`.
    #[must_use]
    pub fn any_map<K: AsRef<str>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        let entries = entries.into_iter().map(|(k, v)| (Value::string(k), v)).collect();
        Value::map(Type::String, Type::Interface, entries)
    }

    /// `map[string]string`.
    #[must_use]
    pub fn string_map<K: AsRef<str>, V: AsRef<str>>(
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Value {
        let entries =
            entries.into_iter().map(|(k, v)| (Value::string(k), Value::string(v))).collect();
        Value::map(Type::String, Type::String, entries)
    }

    /// A struct: one value per field of `ty` and per method, and its `String()` form if the
    /// Go type has one (it is what `%v` and `{{.}}` print).
    #[must_use]
    pub fn structure(
        ty: &Rc<StructType>,
        fields: Vec<Value>,
        methods: Vec<Value>,
        display: Option<&str>,
    ) -> Value {
        Value::Struct(Rc::new(Struct::new(ty.clone(), fields, methods, display.map(Rc::from))))
    }

    /// What `encoding/json` decodes into `interface{}`: objects are `map[string]interface{}`,
    /// arrays `[]interface{}`, every number a `float64`.
    #[must_use]
    pub fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::Nil,
            Json::Bool(b) => Value::Bool(*b),
            #[allow(clippy::cast_precision_loss)]
            Json::Int(i) => Value::Float(*i as f64),
            #[allow(clippy::cast_precision_loss)]
            Json::Uint(u) => Value::Float(*u as f64),
            Json::Float(f) => Value::Float(*f),
            Json::String(s) => Value::string(s),
            Json::Array(items) => Value::any_list(items.iter().map(Value::from_json).collect()),
            Json::Object(entries) => {
                Value::any_map(entries.iter().map(|(k, v)| (k.as_str(), Value::from_json(v))))
            }
        }
    }

    /// A YAML node as `sigs.k8s.io/yaml` unmarshals it into `interface{}`: through JSON, so
    /// numbers become `float64` (see [`Value::from_json`]). Scalars are typed by the YAML 1.2
    /// core rules of go-yaml v3 that the engine's JSON conversion applies.
    pub fn from_json_like(node: &crate::yaml::Node) -> Result<Value, String> {
        crate::yaml::json::from_node(node)
            .map(|json| Value::from_json(&json))
            .map_err(|e| e.message().to_owned())
    }

    /// The Go type of the value (`Invalid` has none: it reports `interface {}`).
    #[must_use]
    pub fn type_of(&self) -> Type {
        match self {
            Value::Invalid | Value::Nil => Type::Interface,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Int64(_) => Type::Int64,
            Value::Float(_) => Type::Float64,
            Value::String(_) => Type::String,
            Value::List(l) => l.ty.clone(),
            Value::Map(m) => m.ty.clone(),
            Value::Struct(s) => Type::Struct(s.ty.clone()),
        }
    }

    /// The string inside, if this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn depth(&self) -> u32 {
        match self {
            Value::List(l) => l.depth,
            Value::Map(m) => m.depth.get(),
            Value::Struct(s) => s.depth,
            _ => 0,
        }
    }

    /// Go's truth (`template.IsTrue`): the zero value of its type is false; structs are true.
    #[must_use]
    pub fn is_true(&self) -> bool {
        match self {
            Value::Invalid | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Struct(_) => true,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Rc::from(s))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    /// A Go `int`.
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

/// Go's `internal/fmtsort` order of map keys: numbers by value (NaN first), strings by
/// bytes, `false` before `true`, structs field by field, and values of different types by
/// type first (nil before everything).
#[must_use]
pub fn compare_keys(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        },
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Struct(x), Value::Struct(y)) => {
            for (fx, fy) in x.fields.iter().zip(&y.fields) {
                let c = compare_keys(fx, fy);
                if c != Ordering::Equal {
                    return c;
                }
            }
            Ordering::Equal
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Invalid | Value::Nil => 0,
        Value::Bool(_) => 1,
        Value::Int(_) | Value::Int64(_) => 2,
        Value::Float(_) => 3,
        Value::String(_) => 4,
        Value::List(_) => 5,
        Value::Map(_) => 6,
        Value::Struct(_) => 7,
    }
}
