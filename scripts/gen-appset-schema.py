#!/usr/bin/env python3
"""Writes core/src/appset/schema.txt: the field set of an Argo CD `ApplicationSet` spec.

The API server checks an ApplicationSet against the CRD that controller-gen derives from
pkg/apis/application/v1alpha1/applicationset_types.go (and types.go for the Application spec
the template holds): unknown fields are dropped, values of the wrong type are refused. The
controller then decodes the object into those Go types. This script turns the CRD's schema
into a compact table of object types (identical object schemas share one line), marking the
fields Go always writes (no `omitempty`: the CRD lists them as required).

Where the CRD is not the Go type, the Go type wins:
- `matrix`/`merge` inside a matrix or merge generator are `apiextensionsv1.JSON` (the CRD
  preserves anything); the controller decodes them with `encoding/json` into
  `NestedMatrixGenerator` / `NestedMergeGenerator`, whose generators are terminal ones (no
  third level), ignoring unknown fields. They are written as lenient objects (`~@id`).

Usage: python3 scripts/gen-appset-schema.py [CRD_FILE] > core/src/appset/schema.txt
Without CRD_FILE, the CRD is read from the argo-cd mirror at the pinned commit.
Standard library only, except PyYAML.
"""

import copy
import subprocess
import sys

import yaml

COMMIT = "37ee0097cf851bc2dd7665fc081bbce61a7e836e"
MIRROR = "/work/.mirror/argoproj+argo-cd/repo"
CRD = "manifests/crds/applicationset-crd.yaml"


def load_crd():
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            return f.read()
    return subprocess.run(
        ["git", "-C", MIRROR, "show", f"{COMMIT}:{CRD}"],
        check=True, capture_output=True, text=True,
    ).stdout


class Table:
    def __init__(self):
        self.lines = []  # object type lines, index = id
        self.ids = {}  # line body -> id
        self.lenient = {}  # path -> schema decoded leniently (Go's json.Unmarshal)

    def add(self, body):
        if body not in self.ids:
            self.ids[body] = len(self.lines)
            self.lines.append(body)
        return self.ids[body]

    def type_of(self, schema, path):
        """The type code of a schema (objects are added to the table)."""
        if path in self.lenient:
            return "~" + self.type_of(self.lenient[path], path + "~")
        if schema.get("x-kubernetes-preserve-unknown-fields") and "properties" not in schema:
            return "*"
        if schema.get("x-kubernetes-int-or-string"):
            return "io"
        kind = schema.get("type")
        if kind == "string":
            return "s"
        if kind == "boolean":
            return "b"
        if kind == "number":
            return "f"
        if kind == "integer":
            return "i"
        if kind == "array":
            return "[" + self.type_of(schema.get("items", {}), path + "[]") + "]"
        if kind == "object" or "properties" in schema:
            if "properties" in schema:
                required = set(schema.get("required", []))
                fields = []
                for name in sorted(schema["properties"]):
                    code = self.type_of(schema["properties"][name], f"{path}.{name}")
                    mark = "!" if name in required else ""
                    fields.append(f"{name}{mark}={code}")
                return f"@{self.add(' '.join(fields))}"
            if "additionalProperties" in schema:
                return "{" + self.type_of(schema["additionalProperties"], path + "{}") + "}"
            return f"@{self.add('')}"
        raise SystemExit(f"unsupported schema at {path}: {schema}")


def main():
    crd = yaml.safe_load(load_crd())
    versions = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    root = versions[0]["schema"]["openAPIV3Schema"]
    spec = root["properties"]["spec"]
    nested = spec["properties"]["generators"]["items"]["properties"]["matrix"]["properties"]["generators"]["items"]
    terminal = copy.deepcopy(nested)
    del terminal["properties"]["matrix"]
    del terminal["properties"]["merge"]
    nested_matrix = {"type": "object", "required": ["generators"], "properties": {
        "generators": {"type": "array", "items": terminal}}}
    nested_merge = {"type": "object", "required": ["generators", "mergeKeys"], "properties": {
        "generators": {"type": "array", "items": terminal},
        "mergeKeys": {"type": "array", "items": {"type": "string"}}}}
    table = Table()
    for outer in ("matrix", "merge"):
        for inner, schema in (("matrix", nested_matrix), ("merge", nested_merge)):
            table.lenient[f".generators[].{outer}.generators[].{inner}"] = schema
    top = table.type_of(spec, "")
    app = table.type_of(spec["properties"]["template"]["properties"]["spec"], ".template.spec")
    print(f"# The ApplicationSet spec field set: argoproj/argo-cd {COMMIT[:7]} {CRD}")
    print("# (controller-gen from pkg/apis/application/v1alpha1/applicationset_types.go and types.go).")
    print("# Generated by scripts/gen-appset-schema.py; do not edit. Format: see core/src/appset/schema.rs.")
    print(f"spec {top}")
    print(f"application {app}")
    for i, line in enumerate(table.lines):
        print(f"@{i} {line}".rstrip())


if __name__ == "__main__":
    main()
