import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  codeFrom,
  dropRedisPrefix,
  ensureBuilt,
  freePort,
  send,
  signupBody,
  SmtpSink,
  useRealServices,
  waitHealthy,
} from '../support/kit.js';

const ENTRY = 'dist/src/main.js';
const SHUTDOWN_LIMIT_MS = 10_000;

/**
 * SIGTERM while 50 logins and refreshes are in flight, against the built
 * service in its own process (`node dist/src/main.js`): every request in
 * flight completes with 200, the process exits 0 within SHUTDOWN_TIMEOUT, and
 * no rotation is left half done.
 */
describe('SIGTERM with requests in flight', () => {
  let mail: SmtpSink;
  let child: ChildProcess;
  let port: number;
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let stderr = '';
  const redisPrefix = `test:${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    ensureBuilt();
    mail = await new SmtpSink().start();
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'auth-sigterm-'));
    if (useRealServices) {
      const name = `auth_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      };
    }
    child = spawn(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        SMTP_URL: mail.url,
        RATE_LIMIT_MAX: '1000000',
        // The production cost, so that logins are still in flight when the signal comes.
        BCRYPT_COST: '10',
        // 25 logins of one account at once each take a throttle slot before comparing (SPEC §2): room for all.
        LOGIN_MAX_FAILURES: '100',
        SHUTDOWN_TIMEOUT: `${SHUTDOWN_LIMIT_MS / 1000}s`,
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl ?? '',
        PGLITE_DATA_DIR: databaseUrl ? '' : join(dataDir, 'pglite'),
        REDIS_URL: useRealServices ? (process.env.REDIS_URL ?? '') : '',
        REDIS_PREFIX: redisPrefix,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await waitHealthy(port, 30_000, () => child.exitCode === null).catch((error: Error) => {
      throw new Error(`${error.message}: ${stderr}`);
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await mail?.stop();
    await dropDatabase?.();
    if (useRealServices && process.env.REDIS_URL) await dropRedisPrefix(process.env.REDIS_URL, redisPrefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes all 50 in-flight logins and refreshes with 200, exits 0 within 10 s, leaves no half rotation', async () => {
    const body = signupBody();
    const before = mail.mails.length;
    expect((await send(port, 'POST', '/api/auth/email/verification/send', { email: body.email })).status).toBe(200);
    const code = codeFrom(await mail.waitFor(body.email, before));
    expect(
      (await send(port, 'POST', '/api/auth/email/verification/verify', { email: body.email, verificationCode: code }))
        .status,
    ).toBe(200);
    expect((await send(port, 'POST', '/api/auth/signup', body)).status).toBe(201);
    const credentials = { email: body.email, password: body.password };
    const sessions = await Promise.all(
      Array.from({ length: 25 }, () => send(port, 'POST', '/api/auth/login', credentials)),
    );
    const presented = sessions.map((res) => res.body.data!.refreshToken!);

    // 25 logins (bcrypt at cost 10: together well over a second of work) and 25 refreshes, each on its own connection.
    let sent = 0;
    let allSent: () => void = () => undefined;
    const written = new Promise<void>((resolve) => (allSent = resolve));
    const onSent = () => {
      if (++sent === 50) allSent();
    };
    const inFlight = [
      ...Array.from({ length: 25 }, () => send(port, 'POST', '/api/auth/login', credentials, onSent)),
      ...presented.map((refreshToken) => send(port, 'POST', '/api/auth/refresh', { refreshToken }, onSent)),
    ];
    await written;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const signalled = Date.now();
      child.once('exit', (exitCode) => resolve({ code: exitCode, ms: Date.now() - signalled }));
    });
    child.kill('SIGTERM');

    const answers = await Promise.all(inFlight);
    expect(answers.map((res) => res.status)).toEqual(Array.from({ length: 50 }, () => 200));
    const exit = await exited;
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(SHUTDOWN_LIMIT_MS);
    expect(stderr).toBe('');

    // New connections are refused once it has stopped.
    await expect(send(port, 'GET', '/health')).rejects.toThrow();

    // Every presented token is spent and has its successor; nothing else is half done.
    const rows = await readRows(
      `SELECT count(*) FILTER (WHERE rt.spent_at IS NOT NULL)::int AS spent,
              count(*) FILTER (WHERE rt.spent_at IS NOT NULL AND n.jti IS NULL)::int AS orphaned,
              (SELECT count(*)::int FROM sessions) AS sessions
       FROM refresh_tokens rt LEFT JOIN refresh_tokens n ON n.jti = rt.replaced_by`,
    );
    expect(rows).toEqual({ spent: 25, orphaned: 0, sessions: 50 });
  }, 60_000);

  /** The service's database after it exited: PostgreSQL, or its PGlite directory opened here. */
  async function readRows(sql: string): Promise<Record<string, number>> {
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query<Record<string, number>>(sql)).rows[0];
      } finally {
        await client.end();
      }
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(join(dataDir, 'pglite'));
    try {
      return (await db.query<Record<string, number>>(sql)).rows[0];
    } finally {
      await db.close();
    }
  }
});
