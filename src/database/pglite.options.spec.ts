import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  installedPgliteVersion,
  PGLITE_SETTINGS,
  PGLITE_TEMPLATE_VERSION,
  pgliteOptions,
  pgliteTemplate,
} from './pglite.options.js';

const DEFAULTS = ['--single', '-F'];

describe('pgliteOptions', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-pglite-options-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts PostgreSQL small on every start, after PGlite’s own parameters', () => {
    const options = pgliteOptions(dir, DEFAULTS, () => undefined);
    expect(options.startParams).toEqual([
      '--single',
      '-F',
      '-c',
      'shared_buffers=16MB',
      '-c',
      'max_connections=10',
      '-c',
      'min_wal_size=32MB',
      '-c',
      'max_wal_size=64MB',
    ]);
    // A new directory's postgresql.conf gets the same settings.
    expect(options.initDbStartParams).toEqual(PGLITE_SETTINGS.flatMap((setting) => ['--set', setting]));
  });

  it('loads the template into a new directory, and only into a new one', () => {
    const template = new Blob([new Uint8Array([1, 2, 3])]);
    expect(pgliteOptions(dir, DEFAULTS, () => template).loadDataDir).toBe(template);
    expect(pgliteOptions('memory://', DEFAULTS, () => template).loadDataDir).toBe(template);

    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    expect(pgliteOptions(dir, DEFAULTS, () => template).loadDataDir).toBeUndefined();
  });

  it('runs initdb when there is no template for this PGlite', () => {
    expect(pgliteOptions(join(dir, 'new'), DEFAULTS, () => undefined)).not.toHaveProperty('loadDataDir');
  });
});

describe('the committed template', () => {
  it('was written by the installed PGlite (after an upgrade: node scripts/pglite-template.mjs)', () => {
    const { pglite } = JSON.parse(readFileSync(PGLITE_TEMPLATE_VERSION, 'utf8')) as { pglite: string };
    expect(pglite).toBe(installedPgliteVersion());
    const template = pgliteTemplate();
    expect(template).toBeInstanceOf(Blob);
    // A gzip stream: PGlite unpacks it by this type.
    expect(template!.type).toBe('application/x-gzip');
    expect(template!.size).toBeGreaterThan(1_000_000);
  });

  it('is a data directory PGlite opens, with the small settings in its postgresql.conf', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const root = mkdtempSync(join(tmpdir(), 'auth-pglite-template-'));
    const dataDir = join(root, 'pglite');
    mkdirSync(dataDir);
    const db = await PGlite.create(dataDir, pgliteOptions(dataDir, PGlite.defaultStartParams));
    try {
      const { rows } = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0].shared_buffers).toBe('16MB');
      const conf = readFileSync(join(dataDir, 'postgresql.conf'), 'utf8');
      expect(conf).toMatch(/^shared_buffers = 16MB/m);
      expect(conf).toMatch(/^max_connections = 10/m);
    } finally {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
