#!/usr/bin/env python3
"""Writes core/src/rollouts/schema.txt: the field set of an Argo Rollouts `Rollout`.

`kubectl argo rollouts lint` decodes a Rollout strictly into the Go type of
pkg/apis/rollouts/v1alpha1/types.go (unknown fields and wrong JSON types abort it). The
machine-readable form of that type is the CRD that controller-gen derives from it,
manifests/crds/rollout-crd.yaml, at the same commit. This script turns that schema into a
compact table of object types (identical object schemas share one line).

Where the CRD is not the Go type, the Go type wins, because lint decodes into Go:
- `metadata` and `spec.template.metadata` are `metav1.ObjectMeta` (the CRD has only a bare
  object, or labels and annotations): the ObjectMeta field set of k8s.io/apimachinery v0.34
  is written below;
- `x-kubernetes-preserve-unknown-fields` subtrees (plugin configuration, resource quantities,
  volumes) accept anything.
`status` is left out (any value is accepted there): the controller writes it, manifests in Git
do not carry it, and its field set would only add to the engine's size.

Usage: python3 scripts/gen-rollout-schema.py [CRD_FILE] > core/src/rollouts/schema.txt
Without CRD_FILE, the CRD is read from the argo-rollouts mirror at the pinned commit.
Standard library only, except PyYAML (`python3 -c "import yaml"`).
"""

import subprocess
import sys

import yaml

COMMIT = "9f8d111d8f8e3e88b6d7f8bbdf62fd3cd863ef9d"
MIRROR = "/work/.mirror/argoproj+argo-rollouts/repo"
CRD = "manifests/crds/rollout-crd.yaml"

# metav1.ObjectMeta and the types it holds (k8s.io/apimachinery v0.34, pkg/apis/meta/v1/types.go).
OBJECT_META = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "generateName": {"type": "string"},
        "namespace": {"type": "string"},
        "selfLink": {"type": "string"},
        "uid": {"type": "string"},
        "resourceVersion": {"type": "string"},
        "generation": {"type": "integer", "format": "int64"},
        "creationTimestamp": {"type": "string", "format": "date-time"},
        "deletionTimestamp": {"type": "string", "format": "date-time"},
        "deletionGracePeriodSeconds": {"type": "integer", "format": "int64"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "ownerReferences": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "name": {"type": "string"},
                    "uid": {"type": "string"},
                    "controller": {"type": "boolean"},
                    "blockOwnerDeletion": {"type": "boolean"},
                },
            },
        },
        "finalizers": {"type": "array", "items": {"type": "string"}},
        "managedFields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "manager": {"type": "string"},
                    "operation": {"type": "string"},
                    "apiVersion": {"type": "string"},
                    "time": {"type": "string", "format": "date-time"},
                    "fieldsType": {"type": "string"},
                    "fieldsV1": {"x-kubernetes-preserve-unknown-fields": True},
                    "subresource": {"type": "string"},
                },
            },
        },
    },
}


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

    def type_of(self, schema, path):
        """The type code of a schema (objects are added to the table)."""
        if path in ("metadata", "spec.template.metadata"):
            schema = OBJECT_META
        if path == "status":
            return "*"
        if schema.get("x-kubernetes-preserve-unknown-fields"):
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
            return "i64" if schema.get("format") == "int64" else "i32"
        if kind == "array":
            return "[" + self.type_of(schema.get("items", {}), path + "[]") + "]"
        if kind == "object":
            if "properties" in schema:
                fields = []
                for name in sorted(schema["properties"]):
                    code = self.type_of(schema["properties"][name], path + "." + name if path else name)
                    fields.append(f"{name}={code}")
                body = " ".join(fields)
                if body not in self.ids:
                    self.ids[body] = len(self.lines)
                    self.lines.append(body)
                return f"@{self.ids[body]}"
            if "additionalProperties" in schema:
                return "{" + self.type_of(schema["additionalProperties"], path + "{}") + "}"
            # An object without properties is an empty Go struct: every key is unknown.
            body = ""
            if body not in self.ids:
                self.ids[body] = len(self.lines)
                self.lines.append(body)
            return f"@{self.ids[body]}"
        raise SystemExit(f"unsupported schema at {path}: {schema}")


def main():
    crd = yaml.safe_load(load_crd())
    versions = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    root = versions[0]["schema"]["openAPIV3Schema"]
    table = Table()
    top = table.type_of(root, "")
    print(f"# The Rollout field set: argoproj/argo-rollouts {COMMIT[:7]} {CRD}")
    print("# (controller-gen from pkg/apis/rollouts/v1alpha1/types.go), ObjectMeta from k8s.io/apimachinery v0.34.")
    print("# Generated by scripts/gen-rollout-schema.py; do not edit. Format: see core/src/rollouts/schema.rs.")
    print(f"root {top}")
    for i, line in enumerate(table.lines):
        print(f"@{i} {line}".rstrip())


if __name__ == "__main__":
    main()
