// Writes src/database/pglite-template.tar.gz: a new embedded data directory (PGlite's initdb with the
// service's settings), which a first start loads instead of running initdb (see pglite.options.ts).
// Run it after upgrading @electric-sql/pglite: `node scripts/pglite-template.mjs` (about 1 GB for a
// few seconds, once, here; the template's version test fails until it is run).
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { ensureBuilt } from './ensure-built.mjs';

await ensureBuilt('dist/src/database/pglite.options.js');
const { PGlite } = await import('@electric-sql/pglite');
const options = await import('../dist/src/database/pglite.options.js');

const db = await PGlite.create(
  'memory://',
  options.pgliteOptions('memory://', PGlite.defaultStartParams, () => undefined),
);
const { rows } = await db.query('SHOW shared_buffers');
const tarball = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
await db.close();

writeFileSync('src/database/pglite-template.tar.gz', tarball);
const version = options.installedPgliteVersion();
writeFileSync('src/database/pglite-template.json', `${JSON.stringify({ pglite: version }, null, 2)}\n`);
console.log(
  `src/database/pglite-template.tar.gz: ${(tarball.length / 1e6).toFixed(1)} MB, PGlite ${version}, shared_buffers ${rows[0].shared_buffers}`,
);
