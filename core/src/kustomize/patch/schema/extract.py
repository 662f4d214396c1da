#!/usr/bin/env python3
"""Extracts the strategic-merge table from kustomize's embedded Kubernetes OpenAPI document.

Dev-time only: the output (`table.txt`) is committed and shipped; this script is not.

    python3 extract.py [KUSTOMIZE_SRC] > table.txt

KUSTOMIZE_SRC defaults to /work/kustomize-src (a read-only kustomize checkout). The script reads
  kyaml/openapi/kubernetesapi/openapiinfo.go         which version is the default
  kyaml/openapi/kubernetesapi/<v>/swagger.pb         the OpenAPI v2 document (gnostic protobuf)
  kyaml/openapi/kustomizationapi/swagger.json        kustomize's own types (added by kyaml too)
and keeps only what kyaml's merge consults: for each definition, the fields that lead (directly
or through other definitions) to a list with `x-kubernetes-patch-strategy` containing `merge`,
with that list's keys (`x-kubernetes-list-map-keys` if present, else
`x-kubernetes-patch-merge-key`, as kyaml's PatchStrategyAndKeyList does), plus every
(apiVersion, kind) from `x-kubernetes-group-version-kind`.

No protobuf library is needed: the few gnostic message fields used are decoded by hand.
"""

import json
import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/kustomize-src"
API = os.path.join(SRC, "kyaml", "openapi")

# --- minimal protobuf wire-format reader -----------------------------------------------------


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(buf):
    """Yields (field number, wire type, value) for one message; value is bytes for wire type 2."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, i = varint(buf, i)
        elif wt == 1:
            val, i = buf[i:i + 8], i + 8
        elif wt == 2:
            n, i = varint(buf, i)
            val, i = buf[i:i + n], i + n
        elif wt == 5:
            val, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wt)
        yield num, wt, val


def first(buf, num):
    for n, _, v in fields(buf):
        if n == num:
            return v
    return None


def all_of(buf, num):
    return [v for n, _, v in fields(buf) if n == num]


# gnostic openapiv2 field numbers (OpenAPIv2.proto)
DOCUMENT_DEFINITIONS = 9
DEFINITIONS_ADDITIONAL = 1  # repeated NamedSchema
NAMED_NAME, NAMED_VALUE = 1, 2
SCHEMA_REF = 1
SCHEMA_ADDITIONAL_PROPERTIES = 21  # AdditionalPropertiesItem { Schema schema = 1; bool boolean = 2 }
SCHEMA_TYPE = 22  # TypeItem { repeated string value = 1 }
SCHEMA_ITEMS = 23  # ItemsItem { repeated Schema schema = 1 }
SCHEMA_PROPERTIES = 25  # Properties { repeated NamedSchema additional_properties = 1 }
SCHEMA_VENDOR_EXTENSION = 31  # repeated NamedAny
ANY_YAML = 2


def decode_schema(buf):
    """A gnostic Schema message as the JSON-like dict kube-openapi would build from it."""
    s = {}
    ref = first(buf, SCHEMA_REF)
    if ref is not None:
        s["$ref"] = ref.decode()
    t = first(buf, SCHEMA_TYPE)
    if t is not None:
        s["type"] = [v.decode() for v in all_of(t, 1)]
    items = first(buf, SCHEMA_ITEMS)
    if items is not None:
        s["items"] = [decode_schema(v) for v in all_of(items, 1)]
    props = first(buf, SCHEMA_PROPERTIES)
    if props is not None:
        s["properties"] = {}
        for named in all_of(props, 1):
            s["properties"][first(named, NAMED_NAME).decode()] = decode_schema(first(named, NAMED_VALUE) or b"")
    ap = first(buf, SCHEMA_ADDITIONAL_PROPERTIES)
    if ap is not None:
        inner = first(ap, 1)
        if inner is not None:
            s["additionalProperties"] = decode_schema(inner)
    for named in all_of(buf, SCHEMA_VENDOR_EXTENSION):
        name = first(named, NAMED_NAME).decode()
        value = first(named, NAMED_VALUE) or b""
        s[name] = yaml_scalar_or_list(first(value, ANY_YAML).decode())
    return s


def yaml_scalar_or_list(text):
    """Vendor extensions are stored as YAML text: a scalar, a list of scalars, or a list of maps."""
    text = text.strip()
    if not text.startswith("- "):
        return text.strip('"')
    out = []
    for chunk in re.split(r"^- ", text, flags=re.M):
        chunk = chunk.strip()
        if not chunk:
            continue
        if re.match(r"^[A-Za-z]+: ", chunk):
            item = {}
            for line in chunk.splitlines():
                k, _, v = line.strip().partition(": ")
                item[k] = v.strip('"')
            out.append(item)
        else:
            out.append(chunk.strip('"'))
    return out


def default_version():
    info = open(os.path.join(API, "kubernetesapi", "openapiinfo.go")).read()
    return re.search(r'const DefaultOpenAPI = "([^"]+)"', info).group(1)


def load_definitions():
    version = default_version()
    pb = open(os.path.join(API, "kubernetesapi", version.replace(".", "_"), "swagger.pb"), "rb").read()
    defs = {}
    for named in all_of(first(pb, DOCUMENT_DEFINITIONS), DEFINITIONS_ADDITIONAL):
        defs[first(named, NAMED_NAME).decode()] = decode_schema(first(named, NAMED_VALUE))
    # kyaml adds kustomize's own types after the Kubernetes ones (AddDefinitions overwrites).
    extra = json.load(open(os.path.join(API, "kustomizationapi", "swagger.json")))
    for name, schema in extra["definitions"].items():
        defs[name] = normalize_json_schema(schema)
    return version, defs


def normalize_json_schema(schema):
    """JSON schemas may write `type` as a string and `items` as one schema; gnostic's are lists."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("type"), str):
        out["type"] = [out["type"]]
    if isinstance(out.get("items"), dict):
        out["items"] = [out["items"]]
    if "items" in out:
        out["items"] = [normalize_json_schema(i) for i in out["items"]]
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: normalize_json_schema(v) for k, v in out["properties"].items()}
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = normalize_json_schema(out["additionalProperties"])
    return out


# --- what the merge needs ---------------------------------------------------------------------


def ref_name(schema):
    ref = schema.get("$ref", "")
    return ref[len("#/definitions/"):] if ref.startswith("#/definitions/") else None


def resolve(schema, defs):
    seen = 0
    while ref_name(schema) is not None and seen < 32:
        schema = defs.get(ref_name(schema), {})
        seen += 1
    return schema


def strategy_and_keys(schema):
    """kyaml's PatchStrategyAndKeyList: keys only count when a strategy is present."""
    strategy = schema.get("x-kubernetes-patch-strategy")
    if strategy is None:
        return None, []
    if "x-kubernetes-list-map-keys" in schema:
        return strategy, list(schema["x-kubernetes-list-map-keys"])
    mk = schema.get("x-kubernetes-patch-merge-key")
    return strategy, [mk] if mk else []


def is_associative(schema):
    strategy, _ = strategy_and_keys(schema)
    return strategy is not None and "merge" in strategy.split(",")


def elements(schema, defs):
    """kyaml's ResourceSchema.Elements: only for a schema whose type is exactly [array]."""
    if schema.get("type") != ["array"] or not schema.get("items"):
        return None
    return resolve(schema["items"][0], defs)


def def_of(schema):
    """The definition a (possibly $ref) schema names, or None for inline schemas."""
    return ref_name(schema)


def build(defs):
    """For each definition, its relevant entries: (field, assoc keys or None, target def or None)."""
    relevant = {}
    entries = {}

    def field_entries(name):
        out = []
        schema = defs[name]
        props = dict(schema.get("properties", {}))
        for field, fs in sorted(props.items()):
            target_schema = resolve(fs, defs) if def_of(fs) else fs
            target = def_of(fs)
            assoc = None
            if is_associative(target_schema):
                assoc = strategy_and_keys(target_schema)[1]
            # Elements(): None unless the type is exactly [array]; then the items' definition
            # (or an inline schema, which has nothing to merge: "-").
            items_def = "!"
            if target_schema.get("type") == ["array"] and target_schema.get("items"):
                items_def = def_of(target_schema["items"][0]) or "-"
            out.append((field, assoc, target, items_def))
        ap = schema.get("additionalProperties")
        if isinstance(ap, dict) and def_of(ap):
            out.append(("*", None, def_of(ap), None))
        return out

    for name in defs:
        entries[name] = field_entries(name)

    # Fixed point: a definition is relevant if it has an associative list, or a map field (or an
    # associative list's items) leading to a relevant definition.
    changed = True
    while changed:
        changed = False
        for name, es in entries.items():
            if name in relevant:
                continue
            for field, assoc, target, items_def in es:
                if assoc is not None or target in relevant:
                    relevant[name] = True
                    changed = True
                    break

    table = {}
    for name in sorted(relevant):
        rows = []
        for field, assoc, target, items_def in entries[name]:
            if assoc is not None:
                rows.append((field, assoc, items_def if items_def in relevant or items_def == "!" else "-"))
            elif target in relevant:
                rows.append((field, None, target))
        table[name] = rows
    return table


def reachable(table, roots):
    """Definitions reachable from the resource types: the rest can never be consulted."""
    seen = set()
    stack = [r for r in roots if r in table]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for _, _, target in table[name]:
            if target in table:
                stack.append(target)
    return {name: rows for name, rows in table.items() if name in seen}


def gvks(defs):
    out = []
    for name, schema in defs.items():
        for g in schema.get("x-kubernetes-group-version-kind", []) or []:
            if not isinstance(g, dict):
                continue
            group, version, kind = g.get("group", ""), g.get("version", ""), g.get("kind", "")
            api_version = group + "/" + version if group else version
            out.append((api_version, kind, name))
    return sorted(set(out))


def short(name, prefixes):
    for long, abbr in prefixes:
        if name.startswith(long):
            return abbr + name[len(long):]
    return name


PREFIXES = [("io.k8s.api.", "~"), ("io.k8s.apimachinery.pkg.apis.", "^"), ("io.k8s.kube-aggregator.pkg.apis.", "%")]


def main():
    version, defs = load_definitions()
    table = build(defs)
    types = gvks(defs)
    table = reachable(table, [name for _, _, name in types])
    print("# Strategic-merge table for kustomize's built-in schema (Kubernetes %s)." % version)
    print("# Generated by extract.py from kyaml/openapi; do not edit. Format: see README.md.")
    for name, rows in table.items():
        print("D " + short(name, PREFIXES))
        for field, assoc, target in rows:
            t = short(target, PREFIXES) if target not in ("-", "!") else target
            if assoc is None:
                print(" %s %s" % (field, t))
            else:
                print(" %s [%s] %s" % (field, ",".join(assoc), t))
    by_version = {}
    for api_version, kind, name in types:
        by_version.setdefault(api_version, []).append((kind, name))
    for api_version in sorted(by_version):
        print("V " + api_version)
        for kind, name in sorted(by_version[api_version]):
            print(" %s %s" % (kind, short(name, PREFIXES) if name in table else "-"))


if __name__ == "__main__":
    main()
