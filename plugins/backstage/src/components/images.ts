import type { AppStatus, EnvironmentStatus, ImageStatus } from '@baton/engine';

/** An image's version as people read it: the tag, or the digest shortened (full in a title). */
export function versionLabel(image: Pick<ImageStatus, 'tag' | 'digest'>): string {
  if (image.tag !== null) return image.tag;
  if (image.digest !== null) return shortDigest(image.digest);
  return 'latest';
}

/** `sha256:0123456789ab…` for a digest; anything else as it is. */
export function shortDigest(value: string): string {
  const match = /^([a-z0-9]+):([0-9a-f]{12})[0-9a-f]{4,}$/.exec(value);
  return match ? `${match[1]}:${match[2]}…` : value;
}

/** The environment's image that stands for the app: the container named as the app, else the first. */
export function mainImage(app: AppStatus, env: EnvironmentStatus | undefined): ImageStatus | undefined {
  if (!env) return undefined;
  return env.images.find((i) => i.container === app.name) ?? env.images[0];
}

/** The app a key names: a path, or a name that only one app has. */
export function findApp(
  apps: AppStatus[],
  key: string,
): { app: AppStatus } | { error: 'missing' | 'ambiguous'; candidates: AppStatus[] } {
  const byPath = apps.find((a) => a.path === key);
  if (byPath) return { app: byPath };
  const named = apps.filter((a) => a.name === key);
  if (named.length === 1 && named[0]) return { app: named[0] };
  return named.length > 1
    ? { error: 'ambiguous', candidates: named }
    : { error: 'missing', candidates: apps };
}
