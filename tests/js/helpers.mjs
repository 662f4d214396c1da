// Shared helpers of the JS tests: the built package, the example repository, and checks that
// a result is plain JSON data.
import { createRequire } from 'node:module';
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The npm package as `require('@baton/engine')` gives it (the Node build). */
export const baton = require('../..');

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Whether a directory holds a symbolic link (such fixtures are for hosts that record links). */
export function holdsLink(dir) {
  return readdirSync(dir).some((name) => {
    const stat = lstatSync(join(dir, name));
    return stat.isSymbolicLink() || (stat.isDirectory() && holdsLink(join(dir, name)));
  });
}

/** Reads a directory into `{path: text}` with `/`-separated relative paths. */
export function readTree(dir) {
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/**
 * Reads a directory into `{path: content}`: text as strings, files that are not UTF-8 as
 * `Uint8Array` (the engine accepts both).
 */
export function readTreeWithBytes(dir) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const bytes = readFileSync(full);
      let content;
      try {
        content = decoder.decode(bytes);
      } catch {
        content = new Uint8Array(bytes);
      }
      files[relative(dir, full).split(sep).join('/')] = content;
    }
  };
  walk(dir);
  return files;
}

/** The playground's embedded example repository. */
export const exampleFiles = () => readTree(join(repoRoot, 'web-demo', 'example'));

/** Expected renders of the example overlays, produced by `kubectl kustomize` (v5.8.1). */
export const kustomizeOutput = (app, env) =>
  readFileSync(join(repoRoot, 'tests', 'js', 'fixtures', 'example-rendered', `${app}_${env}.yaml`), 'utf8');

/**
 * Asserts that `value` is JSON data: plain objects and arrays, strings, finite numbers,
 * booleans and null, and nothing `undefined`, so `JSON.stringify` round-trips it exactly.
 */
export function assertJsonData(value, path = '$') {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is a non-finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonData(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Error(`${path} is not a plain object`);
    for (const [key, item] of Object.entries(value)) assertJsonData(item, `${path}.${key}`);
    return;
  }
  throw new Error(`${path} is ${typeof value}, which JSON cannot hold`);
}

/** The diagnostics of a result with the given code. */
export const withCode = (result, code) => result.diagnostics.filter((d) => d.code === code);

/** The seed document's canary, made a valid Rollout (selector and pod template added). */
export const SEED_CANARY = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: payment-service
spec:
  replicas: 5
  selector:
    matchLabels: {app: payment-service}
  template:
    metadata:
      labels: {app: payment-service}
    spec:
      containers:
        - name: payment-service
          image: registry.example.com/payment-service:abc1234
  strategy:
    canary:
      steps:
        - setWeight: 10       # 10% canary traffic
        - pause: {duration: 5m}
        - analysis:           # Automated analysis
            templates:
              - templateName: success-rate
        - setWeight: 50       # 50% canary traffic
        - pause: {duration: 10m}
        - setWeight: 100      # Full promotion
`;
