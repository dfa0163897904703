// The embedded default's memory: `npm start`'s own path (scripts/start.mjs, which builds if needed and
// runs the service) on a fresh DATA_DIR, so the first start creates the embedded database, then a small
// workload (signups, logins, /me), then the same on a restart. The figure is the service process's
// VmHWM (the kernel's own peak), first start included; the wrapper's is reported beside it.
//
//   node --experimental-strip-types scripts/bench/embedded-memory.ts     (this measurement alone)
//   npm run bench                                                        (with the rest)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeFrom, SmtpSink } from '../../test/support/smtp-sink.ts';
import { processTree } from './proc.ts';
import { freePort } from './process.ts';

/** The target of docs/PERFORMANCE.md: a small VM, container or CI runner. */
export const EMBEDDED_PEAK_TARGET_MB = 400;

export interface EmbeddedWorkload {
  signups: number;
  logins: number;
  me: number;
}

export const DEFAULT_WORKLOAD: EmbeddedWorkload = { signups: 30, logins: 30, me: 300 };

export interface EmbeddedRun {
  /** VmHWM of the service process (dist/src/main.js), MB. */
  servicePeakMb: number;
  /** VmHWM of the wrapper (scripts/start.mjs), MB. */
  wrapperPeakMb: number;
  /** From spawn to the first 200 of /health, ms. */
  readyMs: number;
}

export interface EmbeddedMemory {
  first: EmbeddedRun;
  restart: EmbeddedRun;
  workload: EmbeddedWorkload;
  /** The larger of the two service peaks, MB. */
  peakMb: number;
}

const kbField = (status: string, name: string) =>
  Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);

/** VmHWM by pid of `root` and its descendants, with their command lines. */
function treePeaks(root: number): Map<number, { hwmKb: number; cmd: string }> {
  const peaks = new Map<number, { hwmKb: number; cmd: string }>();
  for (const pid of processTree(root)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      peaks.set(pid, { hwmKb: kbField(status, 'VmHWM'), cmd });
    } catch {
      // Gone while we looked.
    }
  }
  return peaks;
}

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: { data?: { accessToken?: string } } }> {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as { data?: { accessToken?: string } } };
}

/** `count` calls of `task`, `width` at a time. */
async function pool(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function workload(url: string, mail: SmtpSink, tag: string, load: EmbeddedWorkload): Promise<void> {
  const password = 'EmbeddedMemory123!';
  const emails = Array.from({ length: load.signups }, (_, i) => `mem-${tag}-${i}@example.com`);
  await pool(emails.length, 5, async (i) => {
    const email = emails[i];
    const before = mail.mails.length;
    const sent = await call(url, 'POST', '/api/auth/email/verification/send', { email });
    if (sent.status !== 200) throw new Error(`send code: ${sent.status}`);
    const code = codeFrom(await mail.waitFor(email, before));
    const verified = await call(url, 'POST', '/api/auth/email/verification/verify', { email, verificationCode: code });
    if (verified.status !== 200) throw new Error(`verify: ${verified.status}`);
    const signup = await call(url, 'POST', '/api/auth/signup', {
      email,
      password,
      name: '메모리',
      nickname: `m${tag.slice(0, 3)}${i}`,
      birthDate: '2000-01-01',
    });
    if (signup.status !== 201) throw new Error(`signup: ${signup.status}`);
  });
  const tokens: string[] = [];
  await pool(load.logins, 5, async (i) => {
    const login = await call(url, 'POST', '/api/auth/login', { email: emails[i % emails.length], password });
    if (login.status !== 200 || !login.body.data?.accessToken) throw new Error(`login: ${login.status}`);
    tokens.push(login.body.data.accessToken);
  });
  await pool(load.me, 10, async (i) => {
    const me = await call(url, 'GET', '/api/auth/me', undefined, tokens[i % tokens.length]);
    if (me.status !== 200) throw new Error(`me: ${me.status}`);
  });
}

async function run(
  env: NodeJS.ProcessEnv,
  mail: SmtpSink,
  load: EmbeddedWorkload,
  log: (line: string) => void,
): Promise<EmbeddedRun> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const wrapper: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => wrapper.once('exit', () => resolve()));
  let peaks = new Map<number, { hwmKb: number; cmd: string }>();
  // VmHWM only grows; sampling keeps the last value seen of each process before it exits.
  const sampler = setInterval(() => {
    for (const [pid, peak] of treePeaks(wrapper.pid!)) peaks.set(pid, peak);
  }, 200);
  try {
    for (;;) {
      if (wrapper.exitCode !== null) throw new Error('the service exited while starting');
      const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then(
        (res) => res.status === 200,
        () => false,
      );
      if (healthy) break;
      if (Date.now() - started > 180_000) throw new Error('the service did not answer /health within 180 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const readyMs = Date.now() - started;
    log(`ready in ${(readyMs / 1000).toFixed(1)} s; workload ${JSON.stringify(load)}`);
    await workload(url, mail, randomBytes(3).toString('hex'), load);
    peaks = new Map([...peaks, ...treePeaks(wrapper.pid!)]);
    const service = [...peaks.values()].find((peak) => peak.cmd.includes('dist/src/main.js'));
    const own = peaks.get(wrapper.pid!);
    if (!service || !own) throw new Error('could not find the service process under scripts/start.mjs');
    return { servicePeakMb: service.hwmKb / 1024, wrapperPeakMb: own.hwmKb / 1024, readyMs };
  } finally {
    clearInterval(sampler);
    if (wrapper.exitCode === null) wrapper.kill('SIGTERM');
    await exited;
  }
}

/** The first start on a fresh DATA_DIR and a restart on it, each with the workload. */
export async function measureEmbeddedMemory(
  baseEnv: NodeJS.ProcessEnv,
  log: (line: string) => void,
  load: EmbeddedWorkload = DEFAULT_WORKLOAD,
): Promise<EmbeddedMemory> {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-embedded-memory-'));
  const mail = await new SmtpSink().start();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '100000000',
    SMTP_URL: mail.url,
    DATA_DIR: dataDir,
    // Set (even empty) so a .env file cannot override them: the embedded defaults.
    DATABASE_URL: '',
    REDIS_URL: '',
    PGLITE_DATA_DIR: '',
    JWT_SECRET: '',
  };
  try {
    log('embedded memory: first start on a fresh DATA_DIR');
    const first = await run(env, mail, load, log);
    log('embedded memory: restart on the same DATA_DIR');
    const restart = await run(env, mail, { ...load, signups: load.signups }, log);
    return { first, restart, workload: load, peakMb: Math.max(first.servicePeakMb, restart.servicePeakMb) };
  } finally {
    await mail.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(DATABASE_|REDIS_|SMTP_|PGLITE_|JWT_)/.test(key)) delete env[key];
  const result = await measureEmbeddedMemory(env, (line) => console.log(`[embedded-memory] ${line}`));
  const fmt = (run: EmbeddedRun) =>
    `service ${run.servicePeakMb.toFixed(0)} MB (wrapper ${run.wrapperPeakMb.toFixed(0)} MB), ready in ${(run.readyMs / 1000).toFixed(1)} s`;
  console.log(`first start: ${fmt(result.first)}`);
  console.log(`restart:     ${fmt(result.restart)}`);
  console.log(
    `${result.peakMb <= EMBEDDED_PEAK_TARGET_MB ? 'MET   ' : 'MISSED'} embedded peak: ${result.peakMb.toFixed(0)} MB (wanted ≤ ${EMBEDDED_PEAK_TARGET_MB} MB)`,
  );
}
