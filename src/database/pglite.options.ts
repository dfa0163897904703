import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';

/**
 * PostgreSQL settings for the embedded database, sized for one developer's
 * service rather than PostgreSQL's server defaults (shared_buffers 128MB,
 * 100 connections): PGlite is one session in this process, and each of these
 * is memory this process keeps. Measured in docs/PERFORMANCE.md.
 */
export const PGLITE_SETTINGS = [
  'shared_buffers=16MB',
  'max_connections=10',
  // WAL segments are recycled after a checkpoint; the defaults (80MB/1GB) grow the data directory for nothing.
  'min_wal_size=32MB',
  'max_wal_size=64MB',
];

/**
 * A data directory as a new PGlite `initdb` leaves it, with PGLITE_SETTINGS
 * in its postgresql.conf (`node scripts/pglite-template.mjs` writes it). A
 * first start loads it instead of running initdb, which in PGlite 0.5 copies
 * the whole 128 MB WebAssembly heap and runs a second instance of PostgreSQL
 * beside the first: about 1 GB resident for a few seconds.
 */
export const PGLITE_TEMPLATE = new URL('./pglite-template.tar.gz', import.meta.url);
/** The PGlite version that wrote the template; another one runs initdb instead. */
export const PGLITE_TEMPLATE_VERSION = new URL('./pglite-template.json', import.meta.url);

/** The installed @electric-sql/pglite version. */
export function installedPgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  // .../node_modules/@electric-sql/pglite/dist/index.cjs → its package.json
  const manifest = JSON.parse(readFileSync(join(main, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** The template when it was written by the installed PGlite, else undefined (initdb runs). */
export function pgliteTemplate(): Blob | undefined {
  try {
    const { pglite } = JSON.parse(readFileSync(PGLITE_TEMPLATE_VERSION, 'utf8')) as { pglite: string };
    if (pglite !== installedPgliteVersion()) return undefined;
    return new Blob([readFileSync(PGLITE_TEMPLATE)], { type: 'application/x-gzip' });
  } catch {
    return undefined;
  }
}

/**
 * Options for `PGlite.create(dataDir, …)`: PGLITE_SETTINGS on every start
 * (so a data directory made before them, with 128MB in its postgresql.conf,
 * is opened small too) and in a new directory's postgresql.conf; a new
 * directory starts from the template when there is one.
 */
export function pgliteOptions(
  dataDir: string,
  defaultStartParams: readonly string[],
  template: () => Blob | undefined = pgliteTemplate,
): PGliteOptions {
  const settings = PGLITE_SETTINGS.flatMap((setting) => ['-c', setting]);
  const fresh = dataDir.startsWith('memory://') || !existsSync(join(dataDir, 'PG_VERSION'));
  const loadDataDir = fresh ? template() : undefined;
  return {
    startParams: [...defaultStartParams, ...settings],
    initDbStartParams: PGLITE_SETTINGS.flatMap((setting) => ['--set', setting]),
    ...(loadDataDir ? { loadDataDir } : {}),
  };
}
