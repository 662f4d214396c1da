//! The content hash kustomize appends to generated names (`api/hasher`).
//!
//! The hash is over a small JSON document, not over the resource: for a `ConfigMap`
//! `{"binaryData"?, "data", "kind", "name"}`, for a Secret `{"data", "kind", "name",
//! "stringData"?, "type"}`, encoded by Go's `encoding/json` (keys sorted, HTML characters
//! escaped, numbers as `float64`), then SHA-256, then the first ten hex digits with five of
//! them replaced (`0→g 1→h 3→k a→m e→t`) so the suffix never looks like a number or a word.
//!
//! One kustomize quirk decides every hash: it looks the name up with `Lookup("metadata/name")`,
//! which asks for a single field literally named `metadata/name`. There is none, so `name` is
//! always `""` and two generators with equal content get equal suffixes whatever their names.

use std::fmt::Write as _;

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

fn sha256_hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    for byte in sha256(data) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

/// SHA-256 (FIPS 180-4), small and dependency-free; the inputs are a few kilobytes.
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        compress(&mut h, block);
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn compress(h: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (i, word) in block.chunks_exact(4).enumerate().take(16) {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = *h;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        hh = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (state, value) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
        *state = state.wrapping_add(value);
    }
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
