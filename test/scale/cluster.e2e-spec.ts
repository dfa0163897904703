import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { dropRedisPrefix, ensureBuilt, freePort, send, useRealServices, waitHealthy } from '../support/kit.js';

const describeReal = useRealServices ? describe : describe.skip;
if (!useRealServices) {
  console.info(
    'cluster: skipped on the embedded parts (workers cannot share PGlite or the in-process store; ' +
      'start:cluster refuses them); run `npm run test:e2e` with DATABASE_URL and REDIS_URL',
  );
}

/** The pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return children.sort((a, b) => a - b);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `npm run start:cluster`: one worker per core behind the cluster module, replaced when it dies, stopped by SIGTERM. */
describeReal('start:cluster', () => {
  let primary: ChildProcess;
  let port: number;
  let dropDatabase: () => Promise<void>;
  let stderr = '';
  const redisPrefix = `test:${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    ensureBuilt('dist/src/cluster.js');
    port = await freePort();
    const name = `auth_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
    primary = spawn(process.execPath, ['dist/src/cluster.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        CLUSTER_WORKERS: '2',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        DATABASE_URL: url.toString(),
        REDIS_URL: process.env.REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        RATE_LIMIT_MAX: '1000000',
        DATA_DIR: `/tmp/auth-cluster-${randomBytes(4).toString('hex')}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    primary.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await waitHealthy(port, 60_000, () => primary.exitCode === null);
    await until(() => childrenOf(primary.pid!).length === 2, 30_000, 'two workers');
  }, 120_000);

  afterAll(async () => {
    if (primary && primary.exitCode === null) primary.kill('SIGKILL');
    for (const pid of primary?.pid ? childrenOf(primary.pid) : []) process.kill(pid, 'SIGKILL');
    await dropDatabase?.();
    if (process.env.REDIS_URL) await dropRedisPrefix(process.env.REDIS_URL, redisPrefix);
  });

  it('replaces a worker that dies, and keeps answering', async () => {
    const [victim, survivor] = childrenOf(primary.pid!);
    process.kill(victim, 'SIGKILL');
    await until(
      () => {
        const workers = childrenOf(primary.pid!);
        return workers.length === 2 && !workers.includes(victim) && workers.includes(survivor);
      },
      15_000,
      'a replacement worker',
    );
    await waitHealthy(port, 30_000, () => primary.exitCode === null);
    // Both workers answer: enough requests to reach each of them (round-robin).
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(port, 'GET', '/health')));
    expect(answers.map((res) => res.status)).toEqual(Array.from({ length: 10 }, () => 200));
  }, 60_000);

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = childrenOf(primary.pid!);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workers.filter(existsProcess)).toEqual([]);
    expect(stderr).toBe('');
  });
});

function existsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
