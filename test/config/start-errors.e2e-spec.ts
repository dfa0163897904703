import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../support/kit.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built service with exactly `env` (plus PATH) and waits for it to exit. */
function runService(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A service that started instead of refusing would never exit: stop it and fail.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The JSON records of stdout. */
const records = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/**
 * SPEC §4: a start with wrong or missing values stops with every problem at
 * once, each naming its variable and what it accepts, on stderr and as one
 * log record whose message holds them, before any module starts.
 */
describe('a start with wrong or missing variables', () => {
  let dataDir: string;

  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'auth-start-errors-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists every problem in one run: production without its parts, a bad LOG_LEVEL, duration and number', async () => {
    const run = await runService({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'banana',
      LOG_FORMAT: 'fancy',
      JWT_REFRESH_TTL: 'forever',
      BCRYPT_COST: '99',
    });

    expect(run.code).toBe(1);
    const expected: Array<[string, RegExp]> = [
      ['DATABASE_URL', /DATABASE_URL: required when NODE_ENV=production \(a postgres:\/\/ URL/],
      ['REDIS_URL', /REDIS_URL: required when NODE_ENV=production \(a redis:\/\/ or rediss:\/\/ URL/],
      ['SMTP_URL', /SMTP_URL: required when NODE_ENV=production \(an smtp:\/\/ or smtps:\/\/ URL/],
      ['JWT_SECRET', /JWT_SECRET: required when NODE_ENV=production \(at least 32 random bytes/],
      ['LOG_LEVEL', /LOG_LEVEL: "banana" is not one of fatal, error, warn, info, debug, trace, silent/],
      ['LOG_FORMAT', /LOG_FORMAT: "fancy" is not one of auto, json, pretty/],
      ['JWT_REFRESH_TTL', /JWT_REFRESH_TTL: "forever" is not a duration \(use e\.g\. 30s, 5m, 1h, 7d\)/],
      ['BCRYPT_COST', /BCRYPT_COST: 99 is outside 4\.\.15/],
    ];

    // stderr: a heading, then one line per problem; no stack trace.
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe(`Failed to start: ${expected.length} configuration problems`);
    expect(lines).toHaveLength(expected.length + 1);
    for (const [, pattern] of expected) expect(lines.some((line) => pattern.test(line))).toBe(true);
    expect(run.stderr).not.toMatch(/\n\s+at /);

    // stdout: nothing but the one fatal record, whose message and `problems` hold every problem.
    const logged = records(run.stdout);
    expect(logged).toHaveLength(1);
    const [record] = logged;
    expect(record.level).toBe('fatal');
    expect(typeof record.msg).toBe('string');
    const problems = record.problems as string[];
    expect(problems).toHaveLength(expected.length);
    for (const [name, pattern] of expected) {
      expect(record.msg).toMatch(pattern);
      expect(problems.filter((problem) => problem.startsWith(`${name}: `))).toHaveLength(1);
    }
  }, 90_000);

  it('names a wrong LOG_LEVEL in development instead of failing inside the logger', async () => {
    const run = await runService({ DATA_DIR: dataDir, LOG_LEVEL: 'banana', PGLITE_DATA_DIR: 'memory://' });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Failed to start: a configuration problem\n' +
        '  - LOG_LEVEL: "banana" is not one of fatal, error, warn, info, debug, trace, silent\n',
    );
    const logged = records(run.stdout);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'fatal',
      msg: 'Failed to start: 1 configuration problem: LOG_LEVEL: "banana" is not one of fatal, error, warn, info, debug, trace, silent',
    });
  }, 90_000);

  it('writes the record for a person with LOG_FORMAT=pretty: one readable line, not JSON', async () => {
    const run = await runService({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'banana',
      LOG_FORMAT: 'pretty',
      PGLITE_DATA_DIR: 'memory://',
    });

    expect(run.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    const plain = run.stdout.replace(/\x1b\[[0-9;]*m/g, '').trim();
    const lines = plain.split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] FATAL.*\[Bootstrap\] Failed to start: 1 configuration problem: LOG_LEVEL: "banana"/,
    );
    // The record's other fields follow on the same line: here the list of problems.
    expect(lines[0]).toContain('"problems":["LOG_LEVEL: ');
    expect(() => JSON.parse(lines[0]) as unknown).toThrow();
  }, 90_000);
});
