#!/usr/bin/env python3
"""Regenerates the expected renders of core/src/deploy/tests.rs with the kustomize oracle.

Each case is a repository (a shared base plus the case's own files, among them the Flux
Kustomization or Argo CD Application) and the kustomization the controller would write in
memory before building, written here by hand from the controller's code:
- Flux: fluxcd/pkg e2cfd1a kustomize/kustomize_generator.go (GenerateManifest,
  findOrGenerateKustomization, scanManifests);
- Argo CD: argo-cd 37ee009 util/kustomize/kustomize.go (Build: the `kustomize edit` commands,
  whose effects are kustomize 12f9e63 kustomize/commands/edit/{set,add}/*.go).
The oracle (`kubectl kustomize`, kustomize v5.8.1) builds that kustomization; its output is the
expected render. Steps the controller runs after the build (post-build substitution, common
metadata) are not kustomize's: those expectations are written in the tests themselves.

Usage: python3 core/src/deploy/testdata/regen.py [/path/to/kubectl]
"""
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
KUBECTL = sys.argv[1] if len(sys.argv) > 1 else "/work/.venv-oracle/bin/kubectl"

BASE = {
    "apps/web/base/kustomization.yaml": "resources:\n- deployment.yaml\n- service.yaml\n",
    "apps/web/base/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env:
        - name: GREETING
          value: hello
      - name: sidecar
        image: busybox:1.36
""",
    "apps/web/base/service.yaml": """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
""",
    "apps/web/staging/kustomization.yaml": """resources:
- ../base
namespace: web-staging
images:
- name: nginx
  newTag: "1.26"
""",
    "components/debug/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
- patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value: {name: DEBUG, value: "1"}
  target:
    kind: Deployment
""",
}

FLUX_HEAD = """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""

# name -> (files added to the repository, files as the controller writes them, path built)
CASES = {
    "flux-target-namespace": (
        {"clusters/staging/web.yaml": FLUX_HEAD + "  path: ./apps/web/staging\n  targetNamespace: shop\n"},
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: nginx
  newTag: "1.26"
namespace: shop
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "flux-name-affixes": (
        {"clusters/staging/web.yaml": FLUX_HEAD + "  path: ./apps/web/staging\n  namePrefix: eu-\n  nameSuffix: -v2\n"},
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: nginx
  newTag: "1.26"
namePrefix: eu-
nameSuffix: -v2
namespace: web-staging
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "flux-patches": (
        {"clusters/staging/web.yaml": FLUX_HEAD + """  path: ./apps/web/staging
  patches:
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
  - patch: |
      - op: replace
        path: /spec/ports/0/port
        value: 8080
    target:
      kind: Service
      name: web
"""},
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: nginx
  newTag: "1.26"
namespace: web-staging
patches:
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
- patch: |
    - op: replace
      path: /spec/ports/0/port
      value: 8080
  target:
    kind: Service
    name: web
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "flux-images": (
        {"clusters/staging/web.yaml": FLUX_HEAD + """  path: ./apps/web/staging
  images:
  - name: nginx
    newName: registry.example.com/nginx
  - name: busybox
    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
"""},
        # nginx merges into the file's entry (newName set, newTag kept); busybox is appended.
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.26"
- digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  name: busybox
namespace: web-staging
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "flux-images-tag-clears-digest": (
        {
            "apps/web/prod/kustomization.yaml": """resources:
- ../base
images:
- name: nginx
  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111
""",
            "clusters/staging/web.yaml": FLUX_HEAD + """  path: ./apps/web/prod
  images:
  - name: nginx
    newTag: "1.27"
""",
        },
        # newTag and digest are set together: the file's digest is cleared.
        {"apps/web/prod/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: nginx
  newTag: "1.27"
resources:
- ../base
"""},
        "apps/web/prod",
    ),
    "flux-components": (
        {"clusters/staging/web.yaml": FLUX_HEAD + """  path: ./apps/web/staging
  components:
  - ../../../components/debug
  - ../../../components/missing
  ignoreMissingComponents: true
"""},
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
components:
- ../../../components/debug
images:
- name: nginx
  newTag: "1.26"
namespace: web-staging
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "flux-generated": (
        {
            "deploy/plain/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: plain\n",
            "deploy/plain/z/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: plain\n",
            "deploy/plain/web/kustomization.yaml": "resources:\n- ../../../apps/web/base\nnamePrefix: plain-\n",
            "deploy/plain/.gitlab-ci.yml": "stages: [test]\n",
            "clusters/staging/web.yaml": FLUX_HEAD + "  path: ./deploy/plain\n  targetNamespace: plain\n",
        },
        # No kustomization file: scanManifests lists manifests and kustomization dirs in
        # filepath.Walk order (.gitlab-ci.yml is excluded by the source-controller).
        {"deploy/plain/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: plain
resources:
- ./configmap.yaml
- ./web
- ./z/ns.yaml
""", "deploy/plain/.gitlab-ci.yml": None},
        "deploy/plain",
    ),
    "flux-combined": (
        {"clusters/staging/web.yaml": FLUX_HEAD + """  path: ./apps/web/staging
  targetNamespace: shop
  namePrefix: eu-
  images:
  - name: nginx
    newTag: "1.27"
  components:
  - ../../../components/debug
  patches:
  - patch: |
      - op: replace
        path: /spec/replicas
        value: 2
    target:
      kind: Deployment
"""},
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
components:
- ../../../components/debug
images:
- name: nginx
  newTag: "1.27"
namePrefix: eu-
namespace: shop
patches:
- patch: |
    - op: replace
      path: /spec/replicas
      value: 2
  target:
    kind: Deployment
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "argo-overrides": (
        {"argocd/web.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-staging
  namespace: argocd
spec:
  project: default
  destination:
    name: staging
    namespace: shop
  source:
    repoURL: https://example.com/fleet.git
    path: apps/web/staging
    kustomize:
      namePrefix: a-
      nameSuffix: -z
      images:
      - nginx=registry.example.com/nginx:1.27
      - busybox:1.37
      replicas:
      - name: web
        count: 4
      commonLabels:
        team: payments
      commonAnnotations:
        owner: ops
      namespace: shop
      patches:
      - target:
          kind: Service
        patch: |-
          - op: replace
            path: /spec/ports/0/port
            value: 8443
      components:
      - ../../../components/debug
"""},
        # The file after `kustomize edit set nameprefix/namesuffix/image/replicas`, `add
        # label/annotation`, `set namespace`, the appended patches and `add component`.
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
commonAnnotations:
  owner: ops
commonLabels:
  team: payments
components:
- ../../../components/debug
images:
- name: busybox
  newTag: "1.37"
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.27"
namePrefix: a-
nameSuffix: -z
namespace: shop
patches:
- patch: |-
    - op: replace
      path: /spec/ports/0/port
      value: 8443
  target:
    kind: Service
replicas:
- count: 4
  name: web
resources:
- ../base
"""},
        "apps/web/staging",
    ),
    "argo-labels-without-selector": (
        {"argocd/web.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  source:
    repoURL: https://example.com/fleet.git
    path: apps/web/staging
    kustomize:
      commonLabels:
        team: payments
      labelWithoutSelector: true
      labelIncludeTemplates: true
"""},
        {"apps/web/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: nginx
  newTag: "1.26"
labels:
- includeTemplates: true
  pairs:
    team: payments
namespace: web-staging
resources:
- ../base
"""},
        "apps/web/staging",
    ),
}


def write(root, files):
    for path, text in files.items():
        target = root / path
        if text is None:
            if target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def bundle(files):
    out = []
    for path in sorted(files):
        out.append(f"-- {path} --\n{files[path]}")
    return "".join(out)


for name, (added, generated, path) in CASES.items():
    repo = dict(BASE)
    repo.update(added)
    (HERE / f"{name}.repo").write_text(bundle(repo))
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        write(root, repo)
        write(root, generated)
        result = subprocess.run([KUBECTL, "kustomize", str(root / path)], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"{name}: {result.stderr}")
        (HERE / f"{name}.expected.yaml").write_text(result.stdout)
    print(name)
