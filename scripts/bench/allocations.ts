// Bytes the service allocates per request, by package and by function: V8's sampling heap profiler
// with the objects that were collected again included, over requests injected in process
// (light-my-request, so no socket or client shares the heap's figures). Unlike requests per second on
// a shared machine, this figure repeats from run to run, so it shows what a change to the hot path
// does to the garbage collector's work.
//
//   npm run bench:alloc [-- --path=/api/auth/me --requests=5000 --top=30]
//
// On the embedded parts by default; on real ones with DATABASE_URL and REDIS_URL (in a database of its
// own, dropped at the end). The seeded user and sessions are written through the application's own
// database connection.
import { randomBytes, randomUUID } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import inject from 'light-my-request';
import type { createApp as CreateApp } from '../../src/app.factory.ts';
import { JwtCodec } from '../../src/token/jwt.codec.ts';
import { createBenchDatabase } from './database.ts';
import { dropRedisPrefix } from '../../test/support/redis-prefix.ts';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const flags = new Map(
  process.argv.slice(2).map((arg) => {
    const match = /^--([a-z]+)=(.*)$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}" (--path=, --requests=, --top=)`);
    return [match[1], match[2]] as const;
  }),
);
const path = flags.get('path') ?? '/api/auth/me';
const requests = Number(flags.get('requests') ?? 5000);
const top = Number(flags.get('top') ?? 30);
const CONNECTIONS = 50;

const real = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
// A database of its own on the real server, as the benchmark does, so nobody's data is touched.
const database = real ? await createBenchDatabase(process.env.DATABASE_URL!) : null;
const dataDir = mkdtempSync(join(tmpdir(), 'auth-alloc-'));
const secret = randomBytes(48).toString('base64url');
const env: Record<string, string> = {
  NODE_ENV: real ? 'production' : 'development',
  LOG_LEVEL: 'info',
  RATE_LIMIT_MAX: '100000000',
  JWT_SECRET: secret,
  SMTP_URL: 'smtp://127.0.0.1:1',
  DATA_DIR: dataDir,
  DATABASE_URL: real ? (database?.url ?? process.env.DATABASE_URL!) : '',
  REDIS_URL: real ? process.env.REDIS_URL! : '',
  REDIS_PREFIX: `alloc:${randomBytes(3).toString('hex')}:`,
  PGLITE_DATA_DIR: real ? '' : join(dataDir, 'pglite'),
};

// Log lines go to standard output, as in production; the report goes to standard error.
// The built application (its decorators need the compiler); typed by its source.
const BUILT_FACTORY = '../../dist/src/app.factory.js';
const { createApp } = (await import(BUILT_FACTORY)) as { createApp: typeof CreateApp };
const { app } = await createApp({ env });
const { DataSource } = await import('typeorm');
const db = app.get(DataSource);
const tag = randomBytes(3).toString('hex');
const [user] = await db.query<{ id: string }[]>(
  `INSERT INTO users (email, password_hash, name, nickname, birth_date, provider)
   VALUES ($1, 'not-a-hash', '할당', $2, '2000-01-01', 'local') RETURNING id::text AS id`,
  [`alloc-${tag}@example.com`, `a${tag}`],
);
const codec = new JwtCodec(secret);
const iat = Math.floor(Date.now() / 1000);
const tokens: string[] = [];
for (let i = 0; i < CONNECTIONS; i++) {
  const sid = randomUUID();
  await db.query(
    `INSERT INTO sessions (id, user_id, created_at, method, expires_at) VALUES ($1, $2, now(), 'local', now() + interval '1 day')`,
    [sid, user.id],
  );
  tokens.push(codec.encode({ sub: user.id, sid, jti: randomUUID(), typ: 'access', iat, exp: iat + 3600 }));
}

const handler = app.getHttpAdapter().getInstance() as Parameters<typeof inject>[0];
async function drive(count: number): Promise<void> {
  await Promise.all(
    tokens.map(async (token, connection) => {
      for (let i = connection; i < count; i += CONNECTIONS) {
        const res = await inject(handler, { method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
        if (res.statusCode >= 400) throw new Error(`${path} answered ${res.statusCode}: ${res.body}`);
      }
    }),
  );
}

await drive(requests); // warm: caches filled, code optimised
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
await drive(requests);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
// A built-in (no script of its own, e.g. Object.assign) counts for the code that called it.
const visit = (node: ProfileNode, callerArea: string): void => {
  const { functionName, url, lineNumber } = node.callFrame;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  const area = !url
    ? callerArea
    : url.startsWith('node:')
      ? 'node'
      : pkg
        ? pkg[1]
        : url.includes('/dist/src/')
          ? 'service'
          : url.includes('/scripts/bench/')
            ? 'harness'
            : url;
  if (area !== 'light-my-request' && area !== 'harness') {
    total += node.selfSize;
    byArea.set(area, (byArea.get(area) ?? 0) + node.selfSize);
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
  }
  node.children.forEach((child) => visit(child, area));
};
visit(profile.head, '(root)');

const perRequest = (bytes: number) =>
  `${Math.round(bytes / requests)
    .toLocaleString('en-US')
    .padStart(7)} B`;
const lines = [
  `GET ${path}, ${requests} requests after as many to warm up, ${real ? 'real PostgreSQL + Redis' : 'embedded parts'}`,
  `allocated per request (the injecting library and this script left out): ${perRequest(total).trim()}`,
  '',
  'by package:',
  ...[...byArea]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([area, bytes]) => `${perRequest(bytes)}  ${area}`),
  '',
  'by function:',
  ...[...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, bytes]) => `${perRequest(bytes)}  ${where}`),
];
process.stderr.write(`${lines.join('\n')}\n`);
await app.close();
await database?.drop();
if (real) await dropRedisPrefix(process.env.REDIS_URL!, env.REDIS_PREFIX);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
