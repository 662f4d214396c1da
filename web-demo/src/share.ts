// Share links: the files that differ from the example (changed, added, deleted), as JSON,
// deflated with fflate and written base64url into the URL fragment (`#share=…`), which
// browsers never send to a server. Opening the link restores the same repository.
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

import type { TextFiles } from './example';

/** Longest fragment a link may carry; chat apps and some browsers cut longer URLs. */
export const MAX_SHARE_CHARS = 32_000;

/** What a link carries: files that differ from the example, and the example's files removed. */
interface Payload {
  v: 1;
  files: TextFiles;
  deleted: string[];
}

export type ShareResult =
  | { ok: true; fragment: string; changed: number; deleted: number }
  | { ok: false; message: string };

/** The fragment (without `#`) for `files`, or why there is none. */
export function encodeShare(files: TextFiles, base: TextFiles): ShareResult {
  const changed: TextFiles = {};
  for (const [path, text] of Object.entries(files)) if (base[path] !== text) changed[path] = text;
  const deleted = Object.keys(base).filter((p) => !(p in files));
  const payload: Payload = { v: 1, files: changed, deleted };
  const packed = toBase64Url(deflateSync(strToU8(JSON.stringify(payload)), { level: 9 }));
  const fragment = `share=${packed}`;
  if (fragment.length > MAX_SHARE_CHARS) {
    const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;
    return {
      ok: false,
      message: `Too large for a link: ${Object.keys(changed).length} changed files compress to ${kb(fragment.length)}, over the ${kb(MAX_SHARE_CHARS)} a link can carry. Share the repository itself (a .zip opens here too).`,
    };
  }
  return { ok: true, fragment, changed: Object.keys(changed).length, deleted: deleted.length };
}

/** The repository a fragment describes, on top of `base`; throws with a reason when unreadable. */
export function decodeShare(fragment: string, base: TextFiles): TextFiles {
  const packed = fragment.replace(/^#?share=/, '');
  let payload: unknown;
  try {
    payload = JSON.parse(strFromU8(inflateSync(fromBase64Url(packed))));
  } catch {
    throw new Error('the link is damaged (it may have been cut short)');
  }
  if (!isPayload(payload)) throw new Error('the link is not a Baton playground link');
  const files: TextFiles = { ...base };
  for (const path of payload.deleted) delete files[path];
  Object.assign(files, payload.files);
  return files;
}

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    p.v === 1 &&
    typeof p.files === 'object' &&
    p.files !== null &&
    Object.values(p.files).every((t) => typeof t === 'string') &&
    Array.isArray(p.deleted) &&
    p.deleted.every((d) => typeof d === 'string')
  );
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
