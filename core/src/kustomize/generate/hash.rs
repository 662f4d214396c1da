//! The content hash kustomize appends to generated names (`api/hasher`).
//!
//! The hash is over a small JSON document, not over the resource: for a `ConfigMap`
//! `{"binaryData"?, "data", "kind", "name"}`, for a Secret `{"data", "kind", "name",
//! "stringData"?, "type"}`, encoded by Go's `encoding/json` (keys sorted, HTML characters
//! escaped, numbers as `float64`), then SHA-256 (the `sha2` crate), then the first ten hex digits with five of
//! them replaced (`0→g 1→h 3→k a→m e→t`) so the suffix never looks like a number or a word.
//!
//! One kustomize quirk decides every hash: it looks the name up with `Lookup("metadata/name")`,
//! which asks for a single field literally named `metadata/name`. There is none, so `name` is
//! always `""` and two generators with equal content get equal suffixes whatever their names.

use crate::yaml::json::{EncodeError, Json, from_node};
use crate::yaml::{Body, Node};

/// The ten-character suffix for a generated resource's current content.
pub(super) fn suffix(node: &Node) -> Result<String, EncodeError> {
    let encoded = match node.get("kind").and_then(Node::scalar) {
        Some("ConfigMap") => encode_config_map(node)?,
        Some("Secret") => encode_secret(node)?,
        // kustomize marshals the raw yaml.Node struct here; only a patch that changes a
        // generated object's kind reaches this, and its content is the best stand-in.
        _ => go_json(&from_node(node)?),
    };
    Ok(short_form(&sha256_hex(encoded.as_bytes())))
}

// The documents' fields may come in any order: `go_json` writes an object's keys sorted.
fn encode_config_map(node: &Node) -> Result<String, EncodeError> {
    let mut m = vec![
        field("kind", Json::String("ConfigMap".into())),
        field("name", Json::String(String::new())),
        field("data", field_value(node, "data")?),
    ];
    if let Some(binary) = map_field_value(node, "binaryData")? {
        m.push(field("binaryData", binary));
    }
    Ok(go_json(&Json::Object(m)))
}

fn encode_secret(node: &Node) -> Result<String, EncodeError> {
    let mut m = vec![
        field("kind", Json::String("Secret".into())),
        field("name", Json::String(String::new())),
        field("type", field_value(node, "type")?),
        field("data", field_value(node, "data")?),
    ];
    if let Some(string_data) = map_field_value(node, "stringData")? {
        m.push(field("stringData", string_data));
    }
    Ok(go_json(&Json::Object(m)))
}

fn field(name: &str, value: Json) -> (String, Json) {
    (name.to_string(), value)
}

/// kustomize's `getNodeValues` for one top-level field: `""` when missing, the text of a
/// scalar (whatever its type), the decoded object of a mapping, `null` for anything else.
fn field_value(node: &Node, field: &str) -> Result<Json, EncodeError> {
    let Some(value) = node.get(field) else { return Ok(Json::String(String::new())) };
    match &value.body {
        Body::Scalar(text) => Ok(Json::String(text.clone())),
        Body::Map(_) => from_node(value),
        Body::Seq(_) => {
            // Decoding a list into a Go map fails silently, leaving a nil map.
            from_node(value)?;
            Ok(Json::Null)
        }
    }
}

/// A field that is included only when it is "a map": present and not a scalar.
fn map_field_value(node: &Node, field: &str) -> Result<Option<Json>, EncodeError> {
    match node.get(field) {
        Some(value) if !value.is_scalar() => field_value(node, field).map(Some),
        _ => Ok(None),
    }
}

/// Go's `json.Marshal` of a value decoded into `interface{}` (every number a `float64`).
pub(super) fn go_json(value: &Json) -> String {
    let mut out = String::new();
    let options = crate::yaml::json::GoJson { indent: false, float64: true };
    crate::yaml::json::write_go_json(value, options, &mut out);
    out
}

/// kustomize's `encode`: ten hex digits with look-alike-free letters.
fn short_form(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// SHA-256 (the `sha2` crate) as lowercase hex. Its digest type no longer formats with
/// `{:x}`, so the hex is written here.
fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest as _;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = sha2::Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(text: &str) -> Node {
        parse(&Arc::from("r.yaml"), text, &Limits::default()).documents.remove(0).root
    }

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(
            sha256_hex(long),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn go_json_escapes_and_numbers() {
        let v = Json::Object(vec![
            ("b".into(), Json::String("x<y>&z\u{2028}\"\\\n\t\u{1}\u{8}\u{c}\u{7f}é".into())),
            (
                "a".into(),
                Json::Array(vec![Json::Int(1), Json::Float(1.5), Json::Bool(true), Json::Null]),
            ),
        ]);
        assert_eq!(
            go_json(&v),
            r#"{"a":[1,1.5,true,null],"b":"x\u003cy\u003e\u0026z\u2028\"\\\n\t\u0001\b\f"#
                .to_string()
                + "\u{7f}é\"}"
        );
        let floats =
            [1e21, 1.5e-7, 1e-10, 123_456_789.0, 0.000_001, -2.5e300, 12_345_678_901_234_567_890.0];
        assert_eq!(
            go_json(&Json::Array(floats.into_iter().map(Json::Float).collect())),
            "[1e+21,1.5e-7,1e-10,123456789,0.000001,-2.5e+300,12345678901234567000]"
        );
        assert_eq!(go_json(&Json::Int(i64::MAX)), "9223372036854776000");
    }

    #[test]
    fn config_map_hash_ignores_the_name() {
        // Oracle: kustomize v5.8.1 names this ConfigMap `app-literals-4hg47t4tg9`.
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: anything\ndata:\n  BOOL_LIKE: \"true\"\n  DOUBLE_QUOTED: quoted value\n  EMPTY: \"\"\n  FLOAT_LIKE: \"1.5\"\n  JSON: '{\"a\": [1, 2]}'\n  LEADING_SPACE: ' padded'\n  NUMBER_LIKE: \"8080\"\n  PLAIN: value\n  SINGLE_QUOTED: single\n  URL: https://example.com/path?x=1&y=2\n  WITH_EQUALS: a=b=c\n  WITH_SPACES: hello world\n  YAML_SPECIAL: 'key: value'\n";
        assert_eq!(suffix(&doc(text)).unwrap(), "4hg47t4tg9");
    }

    #[test]
    fn empty_config_map_and_secret() {
        // Oracle: `configMapGenerator: [{name: b}]` → b-6ct58987ht; an empty Secret → s-46f8b28mk5.
        assert_eq!(
            suffix(&doc("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")).unwrap(),
            "6ct58987ht"
        );
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\ndata: {}\n";
        assert_eq!(suffix(&doc(secret)).unwrap(), "46f8b28mk5");
    }

    #[test]
    fn binary_data_is_included_only_as_a_map() {
        let with = doc("kind: ConfigMap\ndata: {a: b}\nbinaryData: {c: ZA==}\n");
        let without = doc("kind: ConfigMap\ndata: {a: b}\n");
        assert_eq!(
            encode_config_map(&with).unwrap(),
            r#"{"binaryData":{"c":"ZA=="},"data":{"a":"b"},"kind":"ConfigMap","name":""}"#
        );
        assert_eq!(
            encode_config_map(&without).unwrap(),
            r#"{"data":{"a":"b"},"kind":"ConfigMap","name":""}"#
        );
        let list = doc("kind: ConfigMap\ndata: [1]\nbinaryData: [2]\n");
        assert_eq!(
            encode_config_map(&list).unwrap(),
            r#"{"binaryData":null,"data":null,"kind":"ConfigMap","name":""}"#
        );
        let numbers = doc("kind: ConfigMap\ndata: {n: 1, f: 2.50, t: true}\n");
        assert_eq!(
            encode_config_map(&numbers).unwrap(),
            r#"{"data":{"f":2.5,"n":1,"t":true},"kind":"ConfigMap","name":""}"#
        );
    }
}
