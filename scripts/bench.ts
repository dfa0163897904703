// `npm run bench [-- --quick]`: builds the service, starts it as its own process on
// real PostgreSQL + Redis (DATABASE_URL / REDIS_URL) or the embedded parts, seeds it,
// and measures each endpoint with autocannon against a bare Nest route. Writes
// docs/PERFORMANCE.md (generated block) and a PNG chart; prints one line per row.
import { createClient } from '@redis/client';
import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropRedisPrefix } from '../test/support/redis-prefix.ts';
import { codeFrom, SmtpSink } from '../test/support/smtp-sink.ts';
import { START_FLAGS } from './start-flags.mjs';
import { type BcryptBound, boundOverSlices, measureBcryptBound } from './bench/bcrypt-bound.ts';
import {
  aggregateFigures,
  aggregateRows,
  aggregateTargets,
  describeAcrossRuns,
  fmt,
  perRunText,
  type Spread,
  spread,
} from './bench/aggregate.ts';
import { writeBarChart, type Bar } from './bench/chart.ts';
import {
  connectPostgres,
  countSpent,
  createBenchDatabase,
  openPglite,
  seedSessions,
  seedUsers,
  type SeededTokens,
  type SeededUser,
  type Sql,
} from './bench/database.ts';
import { type LoadResult, mergeLoads, runLoad, unexpected } from './bench/load.ts';
import { EMBEDDED_PEAK_TARGET_MB, measureEmbeddedMemory } from './bench/embedded-memory.ts';
import { type BenchOptions, parseOptions } from './bench/options.ts';
import { freePort, ManagedProcess } from './bench/process.ts';
import {
  addSide,
  describeSide,
  emptySideTotals,
  type SideCpu,
  sideCpu,
  type SideSnapshot,
  sideSnapshot,
} from './bench/side-cpu.ts';
import { printProfile } from './bench/profile-summary.ts';
import {
  type BenchReport,
  type EndpointResult,
  type Figure,
  renderMarkdown,
  renderRunsMarkdown,
  type TargetCheck,
  writeMarkdown,
} from './bench/report.ts';

const RESULTS_DIR = 'bench-results';
const STDERR_FILE = join(RESULTS_DIR, 'service.stderr.log');
const PASSWORD = 'BenchPassword123!';
const ACCESS_TTL_S = 3_600;
const REFRESH_TTL_S = 7 * 86_400;
/** Refresh tokens seeded per second of refresh load: more than the service can spend. */
const REFRESH_SEED_RATE = { real: 8_000, embedded: 6_000 };
const RACE_TOKENS = 300;
/** Short row names for the chart (its font is 24 characters wide). */
const CHART_LABELS: Record<string, string> = {
  bare: 'bare Nest route',
  'bare-fastify': 'bare Nest on Fastify',
  'bare-noetag': 'bare Nest, ETag off',
  me: 'GET /me',
  'me-fastify': 'GET /me, on Fastify',
  refresh: 'POST /refresh',
  login: 'POST /login',
  verify: 'verify, wrong code',
  'me-logoff': 'GET /me, log off',
  'cluster-me': 'GET /me, cluster',
  'cluster-refresh': 'POST /refresh, cluster',
};
/** 50 logins queue for ~1.3 s of bcrypt: warm up until answers flow, and measure long enough to count. */
const LOGIN_MINIMUM = { warmupS: 2, durationS: 5 };
const MB = 1024;
/** The performance issue's targets: `/me` as a share of the bare route, by the parts the service runs on. */
const ME_SHARE_TARGET = { real: 60, embedded: 50 };
const ME_P99_TARGET_MS = 25;
/** The service moves to Fastify if its `/me` answers at least this many times as fast there (the performance issue). */
const PLATFORM_SWITCH_TIMES = 1.5;
/** Refreshes per second, on real PostgreSQL. */
const REFRESH_TARGET_RPS = 3_000;
/** Service peak RSS on real PostgreSQL + Redis (on the embedded parts PGlite lives in the process). */
const PEAK_RSS_TARGET_MB = 250;

/** ` run k/N` while one of several runs is taken; empty otherwise. */
let runLabel = '';
const log = (line: string) => console.log(`[bench${runLabel}] ${line}`);

interface Context {
  options: BenchOptions;
  real: boolean;
  env: NodeJS.ProcessEnv;
  secret: string;
  tag: string;
  dataDir: string;
  databaseUrl?: string;
  mail: SmtpSink;
  stderrFile: string;
  notes: string[];
}

function machine(): BenchReport['machine'] {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    kernel: release(),
  };
}

/**
 * The Node flags of the package.json script that runs `entry` in production
 * (`start:prod`, `start:cluster`), so the benchmark starts it exactly so.
 */
function productionFlags(entry: string): string[] {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const line = Object.values(scripts).find((command) => command.startsWith('node ') && command.endsWith(` ${entry}`));
  if (!line) throw new Error(`no package.json script runs "node … ${entry}"`);
  return line.slice('node '.length, -entry.length).split(/\s+/).filter(Boolean);
}

/**
 * How the service is started: on the real parts as in production; on the embedded parts as `npm start`
 * runs it (the embedded parts' way to run, and its flags keep PGlite's WebAssembly small).
 */
function serviceFlags(entry: string, real: boolean): string[] {
  return real || entry !== 'dist/src/main.js' ? productionFlags(entry) : START_FLAGS;
}

async function startService(ctx: Context, overrides: NodeJS.ProcessEnv = {}, entry = 'dist/src/main.js') {
  const port = await freePort();
  const nodeArgs = ctx.options.cpuProf
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${join(RESULTS_DIR, 'profiles')}`,
        // Node fills in ${pid}; a worker of the cluster writes its own profile.
        `--cpu-prof-name=${entry.includes('cluster') ? 'cluster' : 'service'}-` + '${pid}.cpuprofile',
      ]
    : [];
  return ManagedProcess.start({
    name: entry,
    args: [...serviceFlags(entry, ctx.real), ...ctx.options.nodeFlags, ...nodeArgs, entry],
    env: { ...ctx.env, PORT: String(port), ...overrides },
    port,
    readyPath: '/health',
    stdoutFile: ctx.options.logFile ? join(RESULTS_DIR, 'service.log') : null,
    stderrFile: ctx.stderrFile,
    tree: entry.includes('cluster'),
  });
}

/**
 * The service's modules on Nest's Fastify adapter (scripts/bench/service-fastify-app.mjs), started with the
 * service's environment and `start:prod`'s Node flags: the platform trial of the performance issue.
 */
async function startFastifyTrial(ctx: Context): Promise<ManagedProcess> {
  const port = await freePort();
  return ManagedProcess.start({
    name: 'service on Fastify',
    args: [...productionFlags('dist/src/main.js'), ...ctx.options.nodeFlags, 'scripts/bench/service-fastify-app.mjs'],
    env: { ...ctx.env, PORT: String(port) },
    port,
    readyPath: '/bench/ready',
    stdoutFile: null,
    stderrFile: ctx.stderrFile,
  });
}

/** Headers whose values differ from one answer to the next, by time or by request. */
const PER_ANSWER_HEADERS = new Set(['date', 'x-trace-id', 'keep-alive', 'connection']);

/**
 * Fails unless the trial answers as the service does: `/me` with a token (status, body, every header but
 * PER_ANSWER_HEADERS), without one, and with a malformed one. Measured otherwise, the trial could be
 * faster for doing less.
 */
async function sameAnswers(serviceUrl: string, trialUrl: string, token: string): Promise<void> {
  const requests: { name: string; headers: Record<string, string> }[] = [
    { name: '/me with a token', headers: { authorization: `Bearer ${token}` } },
    { name: '/me without a token', headers: {} },
    { name: '/me with a malformed token', headers: { authorization: 'Bearer not-a-token' } },
  ];
  for (const { name, headers } of requests) {
    const [expected, actual] = await Promise.all(
      [serviceUrl, trialUrl].map(async (url) => {
        const res = await fetch(`${url}/api/auth/me`, { headers: { ...headers, origin: 'http://localhost:3000' } });
        const body = (await res.json()) as Record<string, unknown>;
        delete body.traceId;
        delete body.timestamp;
        const kept = [...res.headers].filter(([header]) => !PER_ANSWER_HEADERS.has(header));
        return JSON.stringify({ status: res.status, body, headers: kept.sort() });
      }),
    );
    if (expected !== actual) {
      throw new Error(`the Fastify trial answers ${name} differently:\n  service ${expected}\n  trial   ${actual}`);
    }
  }
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** The mailed code for `email`, through the service's own send endpoint. */
async function sendCode(ctx: Context, url: string, email: string): Promise<string> {
  const before = ctx.mail.mails.length;
  const sent = await post(url, '/api/auth/email/verification/send', { email });
  if (sent.status !== 200) throw new Error(`send code: ${sent.status} ${JSON.stringify(sent.body)}`);
  return codeFrom(await ctx.mail.waitFor(email, before));
}

/** One account through the real API: send code, read the mail, verify, sign up. */
async function signUpTemplate(ctx: Context, url: string): Promise<string> {
  const email = `bench-template-${ctx.tag}@example.com`;
  const code = await sendCode(ctx, url, email);
  const verified = await post(url, '/api/auth/email/verification/verify', { email, verificationCode: code });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  const signup = await post(url, '/api/auth/signup', {
    email,
    password: PASSWORD,
    name: '벤치',
    nickname: `t${ctx.tag}`,
    birthDate: '2000-01-01',
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${JSON.stringify(signup.body)}`);
  return email;
}

async function openDatabase(ctx: Context): Promise<Sql> {
  return ctx.real ? connectPostgres(ctx.databaseUrl!) : openPglite(join(ctx.dataDir, 'pglite'));
}

interface Measured {
  result: LoadResult;
  peakRssMb: number;
  /** Service CPU time (user + system) per response in the measured window, µs. */
  cpuUsPerRequest: number;
  /** CPU beside the service per response over the whole run (warm-up included); see side-cpu.ts. */
  side: SideCpu;
}

/** The counters beside the service (Redis asked over the network, the rest read from /proc). */
async function side(ctx: Context): Promise<SideSnapshot> {
  return sideSnapshot(await redisCpuMs(ctx), ctx.real);
}

/** used_cpu_user + used_cpu_sys of the Redis server at REDIS_URL, ms (null on the embedded parts). */
async function redisCpuMs(ctx: Context): Promise<number | null> {
  if (!ctx.real) return null;
  const client = createClient({ url: process.env.REDIS_URL });
  await client.connect();
  try {
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
  } finally {
    await client.close();
  }
}

/** Warm-up and measurement in one run; the server's peak RSS during the measured window. */
async function measure(
  ctx: Context,
  server: ManagedProcess,
  shape: () => Shape,
  register?: (instance: autocannon.Instance) => void,
  minimum: { warmupS?: number; durationS?: number } = {},
): Promise<Measured> {
  const before = await side(ctx);
  const result = await runLoad(
    {
      url: server.url,
      connections: ctx.options.connections,
      warmupS: Math.max(ctx.options.warmupS, minimum.warmupS ?? 0),
      durationS: Math.max(ctx.options.durationS, minimum.durationS ?? 0),
      ...shape(),
    },
    register,
  );
  const responses = result.rps * result.durationS;
  const totals = emptySideTotals();
  addSide(totals, before, await side(ctx));
  return {
    side: sideCpu(totals, result.run.responses),
    result,
    peakRssMb: server.peakRssKb(result.window.from, result.window.to + 200) / MB,
    cpuUsPerRequest: responses > 0 ? (server.cpuMsBetween(result.window.from, result.window.to) * 1000) / responses : 0,
  };
}

/** Seconds of one slice when rows are measured in turns, and the warm-up of every slice after the first. */
const TURN_SLICE_S = 1;
const TURN_REWARM_S = 0.5;

/** A server and its load, for measureInTurns. */
interface TurnEntry {
  server: ManagedProcess;
  shape: () => Shape;
}

/**
 * Measures servers in turns: each one's measured seconds are cut into slices of about a second, and the
 * servers take turns slice by slice (A, B, A, B, …; each slice warmed up for half a second, the first
 * for the usual warm-up). A comparison of two rows then covers the same minute of the machine: on a
 * shared virtual machine whose speed drifts by ±15–50% over minutes, measuring one row after the other
 * made their ratio drift as much. Each row's figures are its slices' together (mergeLoads).
 */
async function measureInTurns(ctx: Context, entries: readonly TurnEntry[]): Promise<Measured[]> {
  const slices = Math.max(1, Math.round(ctx.options.durationS / TURN_SLICE_S));
  const sliceS = ctx.options.durationS / slices;
  const rows = entries.map(() => ({
    loads: [] as LoadResult[],
    latencies: [] as number[],
    cpuMs: 0,
    peakRssKb: 0,
    side: emptySideTotals(),
  }));
  for (let slice = 0; slice < slices; slice++) {
    for (const [index, entry] of entries.entries()) {
      const into = rows[index];
      const before = await side(ctx);
      const result = await runLoad({
        url: entry.server.url,
        connections: ctx.options.connections,
        warmupS: slice === 0 ? ctx.options.warmupS : TURN_REWARM_S,
        durationS: sliceS,
        latencies: into.latencies,
        ...entry.shape(),
      });
      addSide(into.side, before, await side(ctx));
      into.loads.push(result);
      const cpuMs = entry.server.cpuMsBetween(result.window.from, result.window.to);
      into.cpuMs += cpuMs;
      if (process.env.BENCH_SLICES)
        log(
          `slice ${slice + 1}/${slices} ${entry.server.url}: ${result.rps.toFixed(0)}/s, ${((cpuMs * 1000) / Math.max(1, result.responses)).toFixed(0)} µs/req`,
        );
      into.peakRssKb = Math.max(into.peakRssKb, entry.server.peakRssKb(result.window.from, result.window.to + 200));
    }
  }
  return rows.map((into) => {
    const result = mergeLoads(into.loads, into.latencies);
    return {
      result,
      peakRssMb: into.peakRssKb / MB,
      cpuUsPerRequest: result.responses > 0 ? (into.cpuMs * 1000) / result.responses : 0,
      side: sideCpu(into.side, result.run.responses),
    };
  });
}

/** Seconds of one login slice, and the warm-up of every slice after the first (50 queued logins answer within ~0.2 s). */
const LOGIN_SLICE_S = 3;
const LOGIN_REWARM_S = 1;

/**
 * The login load and the bcrypt bound in turns: the bound is measured (the service idle) before the
 * first slice, between slices and after the last, and the login load runs in slices of ~3 s between
 * them. Both then stand for the same seconds of the machine. Measured one before and one after a
 * single load, a slowdown of the host during the load (or during one of the bound's samples) moved
 * the ratio by up to 15 points: the same build measured 74% and 87% minutes apart.
 */
async function measureLoginInTurns(
  ctx: Context,
  service: ManagedProcess,
  shape: () => Shape,
  bcryptCost: number,
  boundSamples: number,
): Promise<{ measured: Measured; bound: BcryptBound; bounds: BcryptBound[] }> {
  const durationS = Math.max(ctx.options.durationS, LOGIN_MINIMUM.durationS);
  const slices = Math.max(2, Math.round(durationS / LOGIN_SLICE_S));
  const sliceS = durationS / slices;
  const samplesEach = Math.max(4, Math.ceil(boundSamples / 2));
  const bounds = [measureBcryptBound(bcryptCost, samplesEach)];
  const loads: LoadResult[] = [];
  const latencies: number[] = [];
  let cpuMs = 0;
  let peakRssKb = 0;
  const sideTotals = emptySideTotals();
  for (let slice = 0; slice < slices; slice++) {
    const before = await side(ctx);
    const result = await runLoad({
      url: service.url,
      connections: ctx.options.connections,
      warmupS: slice === 0 ? Math.max(ctx.options.warmupS, LOGIN_MINIMUM.warmupS) : LOGIN_REWARM_S,
      durationS: sliceS,
      latencies,
      ...shape(),
    });
    addSide(sideTotals, before, await side(ctx));
    loads.push(result);
    const sliceCpuMs = service.cpuMsBetween(result.window.from, result.window.to);
    cpuMs += sliceCpuMs;
    peakRssKb = Math.max(peakRssKb, service.peakRssKb(result.window.from, result.window.to + 200));
    // The logins still queued when the slice's load stopped finish first (~1.3 s of bcrypt for 50 of them).
    await untilIdle(service);
    bounds.push(measureBcryptBound(bcryptCost, samplesEach));
    if (process.env.BENCH_SLICES)
      log(
        `login slice ${slice + 1}/${slices}: ${result.rps.toFixed(1)}/s, ${((sliceCpuMs * 1000) / Math.max(1, result.responses)).toFixed(0)} µs/req; ` +
          `bound ${bounds[slice].msPerHash.toFixed(1)} ms before, ${bounds[slice + 1].msPerHash.toFixed(1)} ms after`,
      );
  }
  const result = mergeLoads(loads, latencies);
  return {
    measured: {
      result,
      peakRssMb: peakRssKb / MB,
      cpuUsPerRequest: result.responses > 0 ? (cpuMs * 1000) / result.responses : 0,
      side: sideCpu(sideTotals, result.run.responses),
    },
    bound: boundOverSlices(bounds),
    bounds,
  };
}

/** Waits (at most 10 s) until the process used under 5% of a core over its last half second. */
async function untilIdle(server: ManagedProcess): Promise<void> {
  const giveUp = Date.now() + 10_000;
  do {
    await sleep(500);
    const now = Date.now();
    if (server.cpuMsBetween(now - 500, now) < 25) return;
  } while (Date.now() < giveUp);
}

function row(
  key: string,
  label: string,
  server: EndpointResult['server'],
  expectedStatus: number,
  measured: Measured,
): EndpointResult {
  const result: EndpointResult = {
    key,
    label,
    server,
    expectedStatus,
    load: measured.result,
    errors: unexpected(measured.result, expectedStatus),
    peakRssMb: measured.peakRssMb,
    cpuUsPerRequest: measured.cpuUsPerRequest,
    side: measured.side,
  };
  log(
    `${label.padEnd(44)} ${server.padEnd(16)} ${result.load.rps.toFixed(0).padStart(7)} req/s  ` +
      `p50 ${String(result.load.p50).padStart(4)} ms  p99 ${String(result.load.p99).padStart(5)} ms  ` +
      `errors ${result.errors}  CPU ${result.cpuUsPerRequest.toFixed(0)} µs/req (beside it: ${describeSide(measured.side)})` +
      `  peak RSS ${result.peakRssMb.toFixed(0)} MB  statuses ${JSON.stringify(result.load.statuses)}`,
  );
  return result;
}

/** A load shape: the request list and, optionally, a per-connection setup. */
interface Shape {
  requests: autocannon.Request[];
  setupClient?: (client: autocannon.Client) => void;
}

/** GET /api/auth/me: each connection carries its own user's access token (no per-request rewriting). */
function meShape(tokens: string[]): () => Shape {
  return () => {
    let connection = 0;
    return {
      requests: [{ method: 'GET', path: '/api/auth/me' }],
      setupClient: (client) => client.setHeaders({ authorization: `Bearer ${tokens[connection++ % tokens.length]}` }),
    };
  };
}

/** POST /api/auth/refresh, each request with the next unspent seeded token. */
class RefreshFeed {
  next = 0;
  exhausted = false;
  private readonly tokens: string[];

  constructor(tokens: string[]) {
    this.tokens = tokens;
  }

  shape(): () => Shape {
    return () => ({
      requests: [
        {
          method: 'POST',
          path: '/api/auth/refresh',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request: autocannon.Request) => {
            if (this.next >= this.tokens.length) this.exhausted = true;
            const token = this.exhausted ? 'exhausted' : this.tokens[this.next++];
            return { ...request, body: `{"refreshToken":"${token}"}` };
          },
        },
      ],
    });
  }

  /** Stops a run once the seeded tokens are used up (answers would no longer be fresh-token refreshes). */
  register = (instance: autocannon.Instance) => {
    const timer = setInterval(() => {
      if (this.exhausted) instance.stop();
    }, 50);
    instance.on('done', () => clearInterval(timer));
  };
}

/** Each token presented twice at once; exactly one of each pair may win. */
async function raceCheck(url: string, tokens: string[]): Promise<{ winners: number; doubleWins: number }> {
  let winners = 0;
  let doubleWins = 0;
  for (let start = 0; start < tokens.length; start += 25) {
    const batch = tokens.slice(start, start + 25);
    const results = await Promise.all(
      batch.map(async (token) => {
        const answers = await Promise.all(
          [0, 1].map(() => post(url, '/api/auth/refresh', { refreshToken: token }).then((res) => res.status)),
        );
        return answers.filter((status) => status === 200).length;
      }),
    );
    for (const wins of results) {
      winners += wins;
      if (wins > 1) doubleWins++;
    }
  }
  return { winners, doubleWins };
}

function loginShape(users: SeededUser[]): () => Shape {
  let next = 0;
  return () => ({
    requests: [
      {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: JSON.stringify({ email: users[next++ % users.length].email, password: PASSWORD }),
        }),
      },
    ],
  });
}

/** Wrong codes for emails that do have a live code: each connection keeps one email. */
function verifyShape(codes: { email: string; code: string }[]): () => Shape {
  return () => {
    let connection = 0;
    return {
      requests: [{ method: 'POST', path: '/api/auth/email/verification/verify' }],
      setupClient: (client) => {
        const { email, code } = codes[connection++ % codes.length];
        const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
        client.setHeadersAndBody(
          { 'content-type': 'application/json' },
          JSON.stringify({ email, verificationCode: wrong }),
        );
      },
    };
  };
}

const mb = (kb: number) => kb / MB;
/** 200s over the whole run (warm-up included): each spent one seeded refresh token. */
const successes = (measured: Measured) => measured.result.run.statuses['200'] ?? 0;
/** Requests sent that never got an answer (in flight when the run stopped): each may or may not have spent its token. */
const unanswered = (measured: Measured) => measured.result.run.sent - measured.result.run.responses;
const pct = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = Date.now();
  rmSync(join(RESULTS_DIR, 'profiles'), { recursive: true, force: true });
  mkdirSync(join(RESULTS_DIR, 'profiles'), { recursive: true });
  rmSync(STDERR_FILE, { force: true });
  const real = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

  log(
    `mode: ${real ? 'real PostgreSQL + Redis' : 'embedded (PGlite + in-process store)'}; options ${JSON.stringify({ ...options, scenarios: [...options.scenarios] })}`,
  );
  // Each run is complete on its own (its bcrypt bound, seeding and service processes), so the runs
  // differ only by what the machine did meanwhile.
  const reports: BenchReport[] = [];
  for (let run = 1; run <= options.runs; run++) {
    runLabel = options.runs > 1 ? ` run ${run}/${options.runs}` : '';
    const report = await runOnce(options, real);
    reports.push(report);
    writeFileJson(join(RESULTS_DIR, `bench-${report.date.replace(/[:]/g, '-')}.json`), report);
    if (options.runs > 1) printRun(report, `run ${run}/${options.runs}`);
  }
  runLabel = '';

  // Outputs.
  const outDir = options.writeDocs ? 'docs' : RESULTS_DIR;
  mkdirSync(outDir, { recursive: true });
  const chartName = 'performance.png';
  const first = reports[0];
  writeBarChart(
    join(outDir, chartName),
    `Requests/s, ${first.settings.connections} connections${reports.length > 1 ? `, median of ${reports.length} runs` : ''}`,
    `${first.date}  ${first.machine.nproc} cores ${first.machine.cpu}  ${first.mode}  ${options.quick ? 'quick run' : 'full run'}`,
    chartBars(reports),
  );
  const markdownPath = join(outDir, options.writeDocs ? 'PERFORMANCE.md' : 'PERFORMANCE.quick.md');
  writeMarkdown(
    markdownPath,
    reports.length > 1 ? renderRunsMarkdown(reports, chartName) : renderMarkdown(first, chartName),
  );
  if (reports.length > 1) {
    writeFileJson(join(RESULTS_DIR, `bench-${first.date.replace(/[:]/g, '-')}-runs.json`), {
      runs: reports.length,
      rows: aggregateRows(reports.map((report) => report.endpoints)),
      targets: aggregateTargets(reports.map((report) => report.targets)),
      info: aggregateFigures(reports.map((report) => report.info)),
    });
  }
  log(`wrote ${markdownPath} and ${join(outDir, chartName)} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);

  if (reports.length > 1) printAggregate(reports);
  else printRun(first);
  if (options.cpuProf) {
    for (const file of readdirSync(join(RESULTS_DIR, 'profiles')).filter((name) => name.endsWith('.cpuprofile'))) {
      const path = join(RESULTS_DIR, 'profiles', file);
      printProfile(path);
    }
  }
  if (existsSync(STDERR_FILE) && readFileSync(STDERR_FILE, 'utf8').trim()) {
    log(`the service wrote to stderr: see ${relative('.', STDERR_FILE)}`);
  }
}

/** One run's rows and targets, as a single run prints them; with a heading when it is one of several. */
function printRun(report: BenchReport, heading?: string): void {
  console.log('');
  if (heading) console.log(`${heading}:`);
  for (const entry of report.endpoints) {
    const bare = report.endpoints.find((candidate) => candidate.key === 'bare');
    const share = bare && entry !== bare ? ` (${pct(entry.load.rps, bare.load.rps).toFixed(0)}% of bare)` : '';
    console.log(
      `${`${entry.label} [${entry.server}]`.padEnd(66)} ${entry.load.rps.toFixed(0).padStart(6)} req/s${share}, p50 ${entry.load.p50} ms, p99 ${entry.load.p99} ms, errors ${entry.errors}, CPU ${entry.cpuUsPerRequest.toFixed(0)} µs/req, peak RSS ${entry.peakRssMb.toFixed(0)} MB`,
    );
  }
  console.log(
    `${'bcrypt bound'.padEnd(66)} ${report.bcrypt.loginsPerSecond.toFixed(1).padStart(6)} logins/s (${report.bcrypt.cores} × 1000 / ${report.bcrypt.msPerHash.toFixed(1)} ms)`,
  );
  for (const check of report.targets) {
    console.log(`${check.pass ? 'MET   ' : 'MISSED'} ${check.name}: ${check.measured} (wanted ${check.target})`);
  }
  for (const figure of report.info) console.log(`INFO   ${figure.name}: ${figure.measured}`);
}

/** Every row and target over the runs: each run's value, min and median; met only when every run met it. */
function printAggregate(reports: BenchReport[]): void {
  const n = reports.length;
  const value = (figure: number | undefined, unit = '', digits = 0) =>
    figure === undefined ? '—' : `${fmt(figure, digits)}${unit}`;
  const minMedian = (figure: Spread, unit = '', digits = 0) =>
    `min ${value(figure.min, unit, digits)}, median ${value(figure.median, unit, digits)}`;
  console.log('');
  console.log(
    `${n} runs (run 1 · … · run ${n}, then min and median; "of bare" against each run's own bare route; ` +
      'the median of an even count is the mean of the two middle values; a target is met only when every run met it):',
  );
  for (const row of aggregateRows(reports.map((report) => report.endpoints))) {
    const share = row.vsBare ? `; ${perRunText(row.vsBare.values, '%')} of bare, ${minMedian(row.vsBare, '%')}` : '';
    console.log(
      `${`${row.label} [${row.server}]`.padEnd(66)} ${perRunText(row.rps.values)} req/s, ${minMedian(row.rps)}${share}`,
    );
  }
  const bound = spread(reports.map((report) => report.bcrypt.loginsPerSecond));
  console.log(`${'bcrypt bound'.padEnd(66)} ${perRunText(bound.values, '', 1)} logins/s, ${minMedian(bound, '', 1)}`);
  for (const target of aggregateTargets(reports.map((report) => report.targets))) {
    console.log(
      `${target.met ? 'MET   ' : 'MISSED'} ${target.name}: ${describeAcrossRuns(target)} (wanted ${target.target}` +
        `${target.met ? '' : `; missed in ${target.missedIn} of ${target.runs} runs`})`,
    );
  }
  for (const figure of aggregateFigures(reports.map((report) => report.info))) {
    console.log(`INFO   ${figure.name}: ${describeAcrossRuns(figure)}`);
  }
}

/** Requests/s per row for the chart: the run's own, or the median over the runs. */
function chartBars(reports: BenchReport[]): Bar[] {
  const rows = aggregateRows(reports.map((report) => report.endpoints));
  const bound = spread(reports.map((report) => report.bcrypt.loginsPerSecond));
  const loginShare = spread(
    reports.map((report) => {
      const login = report.endpoints.find((entry) => entry.key === 'login');
      return login ? pct(login.load.rps, report.bcrypt.loginsPerSecond) : undefined;
    }),
  );
  const bars: Bar[] = rows.map((row) => ({
    label: CHART_LABELS[row.key] ?? row.key,
    value: row.rps.median ?? 0,
    baseline: row.key === 'bare',
    note: row.key === 'login' ? `${(loginShare.median ?? 0).toFixed(0)}% OF BCRYPT BOUND` : undefined,
  }));
  bars.push({ label: `bcrypt bound (cost ${reports[0].bcrypt.cost})`, value: bound.median ?? 0, reference: true });
  return bars;
}

/** One complete run: its own bcrypt bound, mail sink, database, seeding and service processes. */
async function runOnce(options: BenchOptions, real: boolean): Promise<BenchReport> {
  const startedAt = Date.now();
  const tag = randomBytes(3).toString('hex');
  const secret = randomBytes(48).toString('base64url');
  const bcryptCost = Number(process.env.BCRYPT_COST ?? 10);
  const notes: string[] = [];
  if (!real && (process.env.DATABASE_URL || process.env.REDIS_URL)) {
    notes.push('Only one of DATABASE_URL / REDIS_URL was set: the run used the embedded parts for both.');
  }

  const boundSamples = options.quick ? 8 : 20;
  let bcrypt: BcryptBound = measureBcryptBound(bcryptCost, boundSamples);
  log(
    `bcrypt bound: ${bcrypt.cores} cores × 1000 / ${bcrypt.msPerHash.toFixed(1)} ms = ${bcrypt.loginsPerSecond.toFixed(1)} logins/s (cost ${bcryptCost})`,
  );

  const mail = await new SmtpSink().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const database = real ? await createBenchDatabase(process.env.DATABASE_URL!) : null;
  if (real && !database) notes.push('Could not create a database; the run used DATABASE_URL as given.');
  const databaseUrl = real ? (database?.url ?? process.env.DATABASE_URL) : undefined;
  const redisPrefix = `bench:${tag}:`;
  const stderrFile = STDERR_FILE;
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(baseEnv)) {
    if (/^(DATABASE_|REDIS_|SMTP_|PGLITE_|JWT_|RATE_LIMIT_|LOG_LEVEL$|PORT$|HOST$|DATA_DIR$|NODE_ENV$)/.test(key)) {
      delete baseEnv[key];
    }
  }
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    // Production settings where the parts allow it (production refuses the embedded ones).
    NODE_ENV: real ? 'production' : 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '100000000',
    JWT_SECRET: secret,
    BCRYPT_COST: String(bcryptCost),
    SMTP_URL: mail.url,
    DATA_DIR: dataDir,
    // Set (even empty) so a .env file cannot override them.
    DATABASE_URL: databaseUrl ?? '',
    REDIS_URL: real ? process.env.REDIS_URL : '',
    REDIS_PREFIX: redisPrefix,
    PGLITE_DATA_DIR: real ? '' : join(dataDir, 'pglite'),
  };
  const ctx: Context = { options, real, env, secret, tag, dataDir, databaseUrl, mail, stderrFile, notes };
  const endpoints: EndpointResult[] = [];
  const targets: TargetCheck[] = [];
  const info: Figure[] = [];
  let service: ManagedProcess | null = null;
  let report: BenchReport | null = null;
  const baselines: { scenario: string; label: string; server: ManagedProcess }[] = [];

  try {
    // Baselines: the bare Nest route, and the same route on Nest's Fastify adapter. With `/me` in the run
    // they stay up and are measured in turns with it (measureInTurns); otherwise each alone, here.
    const bareApps = [
      { scenario: 'bare', file: 'scripts/bench/bare-app.mjs', label: 'GET /bare/me (bare Nest route)' },
      {
        scenario: 'bare-fastify',
        file: 'scripts/bench/bare-fastify-app.mjs',
        label: 'GET /bare/me (bare Nest route on Fastify)',
      },
      // Opt-in: the bare route without Express's ETag, as the service answers (app.set('etag', false)).
      {
        scenario: 'bare-noetag',
        file: 'scripts/bench/bare-app.mjs',
        label: 'GET /bare/me (bare Nest route, ETag off)',
        env: { BARE_ETAG: 'off' },
      },
    ] as const;
    const bareShape = (): Shape => ({ requests: [{ method: 'GET', path: '/bare/me' }] });
    for (const { scenario, file, label, ...app } of bareApps) {
      if (!options.scenarios.has(scenario)) continue;
      const port = await freePort();
      const bare = await ManagedProcess.start({
        name: scenario,
        args: [file],
        env: { ...env, ...('env' in app ? app.env : {}), PORT: String(port) },
        port,
        readyPath: '/bare/me',
        stdoutFile: null,
        stderrFile,
      });
      if (options.scenarios.has('me')) {
        baselines.push({ scenario, label, server: bare });
        continue;
      }
      try {
        endpoints.push(row(scenario, label, 'baseline', 200, await measure(ctx, bare, bareShape)));
      } finally {
        await bare.stop();
      }
    }

    // Seeding: one real signup, then users, sessions and refresh tokens in the database.
    service = await startService(ctx);
    const templateEmail = await signUpTemplate(ctx, service.url);
    if (!real) {
      // PGlite belongs to one process: seed while the service is stopped.
      await service.stop();
      service = null;
    }
    const seedStarted = Date.now();
    const sql = await openDatabase(ctx);
    const durations = options.warmupS + options.durationS;
    const refreshCount = Math.ceil(durations * (real ? REFRESH_SEED_RATE.real : REFRESH_SEED_RATE.embedded));
    let users: SeededUser[];
    let meTokens: SeededTokens;
    let refreshTokens: SeededTokens;
    let clusterTokens: SeededTokens | null = null;
    let raceTokens: SeededTokens;
    try {
      users = await seedUsers(sql, templateEmail, options.quick ? 100 : 200, tag);
      meTokens = await seedSessions(sql, secret, users, options.connections, {
        accessS: ACCESS_TTL_S,
        refreshS: REFRESH_TTL_S,
      });
      refreshTokens = await seedSessions(sql, secret, users, options.scenarios.has('refresh') ? refreshCount : 0, {
        accessS: ACCESS_TTL_S,
        refreshS: REFRESH_TTL_S,
      });
      raceTokens = await seedSessions(sql, secret, users, options.scenarios.has('refresh') ? RACE_TOKENS : 0, {
        accessS: ACCESS_TTL_S,
        refreshS: REFRESH_TTL_S,
      });
      if (real && options.scenarios.has('cluster')) {
        clusterTokens = await seedSessions(sql, secret, users, refreshCount, {
          accessS: ACCESS_TTL_S,
          refreshS: REFRESH_TTL_S,
        });
      }
    } finally {
      await sql.close();
    }
    log(
      `seeded ${users.length} users, ${refreshTokens.refresh.length} refresh tokens in ${Date.now() - seedStarted} ms`,
    );
    service ??= await startService(ctx);
    const idleRssKb = service.current()?.rssKb ?? 0;

    let me: EndpointResult | null = null;
    if (options.scenarios.has('me')) {
      // The platform trial (scripts/bench/service-fastify-app.mjs) shares the service's database and Redis;
      // PGlite belongs to one process, so it runs on the real parts only.
      const trial = real && options.scenarios.has('me-fastify') ? await startFastifyTrial(ctx) : null;
      try {
        if (trial) await sameAnswers(service.url, trial.url, meTokens.access[0]);
        const measured = await measureInTurns(ctx, [
          ...baselines.map(({ server }) => ({ server, shape: bareShape })),
          { server: service, shape: meShape(meTokens.access) },
          ...(trial ? [{ server: trial, shape: meShape(meTokens.access) }] : []),
        ]);
        for (const [index, { scenario, label }] of baselines.entries()) {
          endpoints.push(row(scenario, label, 'baseline', 200, measured[index]));
        }
        me = row('me', 'GET /api/auth/me', 'service', 200, measured[baselines.length]);
        endpoints.push(me);
        if (trial) {
          const label = 'GET /api/auth/me (service on Fastify, trial)';
          endpoints.push(row('me-fastify', label, 'service', 200, measured[baselines.length + 1]));
        }
      } finally {
        await trial?.stop();
      }
      for (const { server } of baselines.splice(0)) await server.stop();
    }

    const refreshFeed = new RefreshFeed(refreshTokens.refresh);
    let refreshSuccesses = 0;
    let refreshUnanswered = 0;
    let raceResult = { winners: 0, doubleWins: 0 };
    if (options.scenarios.has('refresh')) {
      const measured = await measure(ctx, service, refreshFeed.shape(), refreshFeed.register);
      refreshSuccesses += successes(measured);
      refreshUnanswered += unanswered(measured);
      if (refreshFeed.exhausted)
        notes.push(`The refresh run used up its ${refreshCount} seeded tokens and stopped early.`);
      endpoints.push(row('refresh', 'POST /api/auth/refresh (fresh token each)', 'service', 200, measured));
      raceResult = await raceCheck(service.url, raceTokens.refresh);
      log(
        `refresh race check: ${RACE_TOKENS} tokens presented twice at once → ${raceResult.winners} winners, ${raceResult.doubleWins} double wins`,
      );
    }

    if (options.scenarios.has('login')) {
      // The login target compares with the bound: both are measured in turns (measureLoginInTurns),
      // so they stand for the same seconds of the machine, whose speed drifts by more than the
      // target's margin over a run.
      const inTurns = await measureLoginInTurns(ctx, service, loginShape(users), bcryptCost, boundSamples);
      const measuredLogin = inTurns.measured;
      bcrypt = inTurns.bound;
      log(
        `bcrypt bound in turns with the login load: ${inTurns.bounds.map((bound) => bound.msPerHash.toFixed(1)).join(', ')} ms → ` +
          `mean over the slices ${bcrypt.loginsPerSecond.toFixed(1)} logins/s (${bcrypt.cores} × 1000 / ${bcrypt.msPerHash.toFixed(1)} ms)`,
      );
      endpoints.push(row('login', 'POST /api/auth/login (correct password)', 'service', 200, measuredLogin));
    }

    if (options.scenarios.has('verify')) {
      const codes: { email: string; code: string }[] = [];
      for (let i = 0; i < options.connections; i++) {
        const email = `bench-verify-${tag}-${i}@example.com`;
        codes.push({ email, code: await sendCode(ctx, service.url, email) });
      }
      endpoints.push(
        row(
          'verify',
          'POST /api/auth/email/verification/verify (wrong code)',
          'service',
          400,
          await measure(ctx, service, verifyShape(codes)),
        ),
      );
    }

    let soak: BenchReport['soak'];
    if (options.scenarios.has('soak') && me) {
      const rate = Math.round(me.load.rps * 0.7);
      log(`soak: ${options.soakS} s at ${rate} req/s on /api/auth/me`);
      const from = Date.now();
      let at20: number | undefined;
      const result = await runLoad({
        url: service.url,
        connections: options.connections,
        warmupS: 0,
        durationS: options.soakS,
        overallRate: rate,
        ...meShape(meTokens.access)(),
        onTick: (elapsed) => {
          if (at20 === undefined && elapsed >= 20) at20 = service?.current()?.rssKb;
          if (Math.round(elapsed) % 20 === 0)
            log(`  soak ${Math.round(elapsed)} s: RSS ${mb(service?.current()?.rssKb ?? 0).toFixed(1)} MB`);
        },
      });
      const end = service.current()?.rssKb ?? 0;
      const start20 = at20 ?? service.samples.find((sample) => sample.at >= from + 20_000)?.rssKb ?? end;
      soak = {
        rate,
        durationS: result.durationS,
        achievedRps: result.rps,
        errors: unexpected(result, 200),
        rssAt20sMb: mb(start20),
        rssEndMb: mb(end),
        changePct: pct(end - start20, start20),
        p99: result.p99,
      };
      log(
        `soak: RSS ${soak.rssAt20sMb.toFixed(1)} MB after 20 s → ${soak.rssEndMb.toFixed(1)} MB at the end (${soak.changePct.toFixed(1)}%)`,
      );
    }

    const peakKb = service.hwmKb();
    const stopped = await service.stop();
    service = null;
    log(`service stopped by SIGTERM in ${stopped.ms} ms, exit code ${stopped.code}`);

    if (options.scenarios.has('logoff') && me) {
      service = await startService(ctx, { LOG_LEVEL: 'warn' });
      endpoints.push(
        row(
          'me-logoff',
          'GET /api/auth/me',
          'service, log off',
          200,
          await measure(ctx, service, meShape(meTokens.access)),
        ),
      );
      await service.stop();
      service = null;
    }

    const clusterFeed = clusterTokens ? new RefreshFeed(clusterTokens.refresh) : null;
    if (options.scenarios.has('cluster')) {
      if (!real) {
        notes.push(
          'The cluster rows need real PostgreSQL and Redis (workers cannot share the embedded parts); skipped.',
        );
      } else {
        service = await startService(ctx, {}, 'dist/src/cluster.js');
        endpoints.push(
          row('cluster-me', 'GET /api/auth/me', 'cluster', 200, await measure(ctx, service, meShape(meTokens.access))),
        );
        if (clusterFeed) {
          const measured = await measure(ctx, service, clusterFeed.shape(), clusterFeed.register);
          refreshSuccesses += successes(measured);
          refreshUnanswered += unanswered(measured);
          endpoints.push(row('cluster-refresh', 'POST /api/auth/refresh (fresh token each)', 'cluster', 200, measured));
        }
        const clusterStop = await service.stop();
        service = null;
        log(`cluster stopped by SIGTERM in ${clusterStop.ms} ms, exit code ${clusterStop.code}`);
        if (clusterStop.code !== 0) notes.push(`The cluster exited with code ${clusterStop.code} on SIGTERM.`);
      }
    }

    // Integrity: every 200 spent exactly one seeded token, and every spent token has its successor.
    let refresh: BenchReport['refresh'];
    if (options.scenarios.has('refresh')) {
      const check = await openDatabase(ctx);
      try {
        const main = await countSpent(check, refreshTokens.refreshJtis);
        const race = await countSpent(check, raceTokens.refreshJtis);
        const cluster = clusterTokens
          ? await countSpent(check, clusterTokens.refreshJtis)
          : { spent: 0, orphaned: 0, successorsSpent: 0 };
        const answered = refreshSuccesses + raceResult.winners;
        refresh = {
          seeded: refreshTokens.refresh.length + raceTokens.refresh.length + (clusterTokens?.refresh.length ?? 0),
          successes: answered,
          unanswered: refreshUnanswered,
          spent: main.spent + race.spent + cluster.spent,
          orphaned: main.orphaned + race.orphaned + cluster.orphaned,
          successorsSpent: main.successorsSpent + race.successorsSpent + cluster.successorsSpent,
          raceTokens: RACE_TOKENS,
          raceWinners: raceResult.winners,
          raceDoubleWins: raceResult.doubleWins,
        };
      } finally {
        await check.close();
      }
      log(
        `refresh integrity: ${refresh.successes} × 200, ${refresh.spent} spent rows, ${refresh.orphaned} without successor, ${refresh.raceDoubleWins} double wins`,
      );
    }

    // Targets (the performance issue's), and figures reported without one.
    const find = (key: string) => endpoints.find((entry) => entry.key === key);
    const bare = find('bare');
    if (me && bare) {
      const wanted = real ? ME_SHARE_TARGET.real : ME_SHARE_TARGET.embedded;
      const share = pct(me.load.rps, bare.load.rps);
      targets.push({
        key: 'me-throughput',
        name: '`/me` throughput',
        target: `≥ ${wanted}% of the bare route (${real ? 'real PostgreSQL + Redis' : 'embedded parts'})`,
        measured: `${share.toFixed(0)}% (${me.load.rps.toFixed(0)} vs ${bare.load.rps.toFixed(0)}/s)`,
        value: share,
        unit: '%',
        pass: me.load.rps >= (wanted / 100) * bare.load.rps,
      });
    }
    // `/me` against the other baselines, when they ran: figures without a target.
    const otherBaselines = [
      { key: 'me-vs-fastify', baseline: 'bare-fastify', name: 'service `/me` vs bare Fastify route' },
      { key: 'me-vs-bare-noetag', baseline: 'bare-noetag', name: 'service `/me` vs bare route with ETag off' },
    ];
    for (const { key, baseline, name } of otherBaselines) {
      const other = find(baseline);
      if (!me || !other) continue;
      const share = pct(me.load.rps, other.load.rps);
      info.push({
        key,
        name,
        measured: `${share.toFixed(0)}% (${me.load.rps.toFixed(0)} vs ${other.load.rps.toFixed(0)}/s)`,
        value: share,
        unit: '%',
      });
    }
    const meFastify = find('me-fastify');
    if (me && meFastify) {
      const times = meFastify.load.rps / me.load.rps;
      info.push({
        key: 'me-fastify-vs-express',
        name: 'service `/me` on Fastify (trial) vs on Express',
        measured: `${times.toFixed(2)}× (${meFastify.load.rps.toFixed(0)} vs ${me.load.rps.toFixed(0)}/s; switching wants ≥ ${PLATFORM_SWITCH_TIMES}×)`,
        value: times,
        unit: '×',
        digits: 2,
      });
    }
    if (me)
      targets.push({
        key: 'me-p99',
        name: '`/me` p99',
        target: `< ${ME_P99_TARGET_MS} ms`,
        measured: `${me.load.p99} ms`,
        value: me.load.p99,
        unit: ' ms',
        digits: 1,
        pass: me.load.p99 < ME_P99_TARGET_MS,
      });
    const login = find('login');
    if (login) {
      const share = pct(login.load.rps, bcrypt.loginsPerSecond);
      targets.push({
        key: 'login-throughput',
        name: 'login throughput',
        target: '≥ 85% of the bcrypt bound measured in the same run',
        measured: `${share.toFixed(0)}% (${login.load.rps.toFixed(1)} of ${bcrypt.loginsPerSecond.toFixed(1)}/s)`,
        value: share,
        unit: '%',
        pass: login.load.rps >= 0.85 * bcrypt.loginsPerSecond,
      });
    }
    const refreshRow = find('refresh');
    if (refreshRow && refresh) {
      const refreshTarget = `≥ ${REFRESH_TARGET_RPS.toLocaleString('en-US')}/s`;
      if (real) {
        targets.push({
          key: 'refresh-throughput',
          name: 'refresh throughput',
          target: `${refreshTarget} (real PostgreSQL)`,
          measured: `${refreshRow.load.rps.toFixed(0)}/s`,
          value: refreshRow.load.rps,
          unit: '/s',
          pass: refreshRow.load.rps >= REFRESH_TARGET_RPS,
        });
      } else {
        info.push({
          key: 'refresh-throughput',
          name: 'refresh throughput',
          measured: `${refreshRow.load.rps.toFixed(0)}/s (the ${refreshTarget} target applies to real PostgreSQL)`,
          value: refreshRow.load.rps,
          unit: '/s',
        });
      }
      // Each seeded token was presented once (the race check's twice), so every 200 spent a token of its
      // own; requests still in flight when a run stopped may have spent theirs without an answer.
      const clean =
        refresh.spent >= refresh.successes &&
        refresh.spent <= refresh.successes + refresh.unanswered &&
        refresh.orphaned === 0 &&
        refresh.raceDoubleWins === 0 &&
        refresh.successorsSpent === 0;
      targets.push({
        key: 'refresh-double-spends',
        name: 'refresh double-spends',
        target:
          '0: spent rows = 200 answers (+ at most the requests left unanswered at a run end), each with its successor',
        measured: `${refresh.spent} spent / ${refresh.successes} × 200 (+${refresh.unanswered} unanswered); ${refresh.orphaned} orphaned; ${refresh.raceDoubleWins} double wins`,
        pass: clean,
      });
    }
    for (const entry of endpoints) {
      if (entry.server !== 'baseline' && entry.errors > 0) {
        targets.push({
          key: `errors:${entry.key}`,
          name: `errors on ${entry.label} (${entry.server})`,
          target: '0',
          measured: String(entry.errors),
          value: entry.errors,
          pass: false,
          onlyWhenMissed: true,
        });
      }
    }
    const peakMb = mb(peakKb);
    if (real) {
      targets.push({
        key: 'peak-rss',
        name: 'peak RSS (service)',
        target: `< ${PEAK_RSS_TARGET_MB} MB (real PostgreSQL + Redis)`,
        measured: `${peakMb.toFixed(1)} MB`,
        value: peakMb,
        unit: ' MB',
        digits: 1,
        pass: peakMb < PEAK_RSS_TARGET_MB,
      });
    } else {
      info.push({
        key: 'peak-rss',
        name: 'peak RSS (service)',
        measured: `${peakMb.toFixed(1)} MB (PGlite in the process; the < ${PEAK_RSS_TARGET_MB} MB target applies to real PostgreSQL + Redis)`,
        value: peakMb,
        unit: ' MB',
        digits: 1,
      });
    }
    if (soak) {
      targets.push({
        key: 'soak-drift',
        name: 'RSS drift over the soak',
        target: 'end within 10% of the 20 s mark',
        measured: `${soak.rssAt20sMb.toFixed(1)} → ${soak.rssEndMb.toFixed(1)} MB (${soak.changePct.toFixed(1)}%)`,
        value: soak.changePct,
        unit: '%',
        digits: 1,
        pass: Math.abs(soak.changePct) <= 10,
      });
    }
    // The embedded default on a small machine (issue: first start included), whichever parts the run above used.
    if (options.scenarios.has('embedded-memory')) {
      const embedded = await measureEmbeddedMemory(baseEnv, log);
      targets.push({
        key: 'embedded-peak-rss',
        name: 'embedded peak RSS, `npm start` on a fresh DATA_DIR (VmHWM, first start and restart)',
        target: `≤ ${EMBEDDED_PEAK_TARGET_MB} MB`,
        measured: `${embedded.peakMb.toFixed(0)} MB (first start ${embedded.first.servicePeakMb.toFixed(0)}, restart ${embedded.restart.servicePeakMb.toFixed(0)}; wrapper ${embedded.first.wrapperPeakMb.toFixed(0)})`,
        value: embedded.peakMb,
        unit: ' MB',
        pass: embedded.peakMb <= EMBEDDED_PEAK_TARGET_MB,
      });
    }
    if (stopped.code !== 0) notes.push(`The service exited with code ${stopped.code} on SIGTERM.`);
    if (options.quick)
      notes.push('Quick run (CI): short durations, no soak and no log-off row; numbers are indicative only.');
    if (options.nodeFlags.length > 0)
      notes.push(`The service ran with extra Node flags: \`${options.nodeFlags.join(' ')}\`.`);
    const commandFlags = process.argv.slice(2).join(' ');
    report = {
      date: new Date(startedAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      command: `${real ? 'DATABASE_URL=postgres://… REDIS_URL=redis://… ' : ''}npm run bench${commandFlags ? ` -- ${commandFlags}` : ''}`,
      mode: real ? 'real PostgreSQL + Redis' : 'embedded (PGlite + in-process store)',
      machine: machine(),
      settings: {
        connections: options.connections,
        durationS: options.durationS,
        warmupS: options.warmupS,
        bcryptCost,
        logLevel: 'info',
        serviceCommand: [
          'node',
          ...serviceFlags('dist/src/main.js', real),
          ...options.nodeFlags,
          'dist/src/main.js',
        ].join(' '),
      },
      bcrypt,
      endpoints,
      refresh,
      soak,
      service: { idleRssMb: mb(idleRssKb), peakRssMb: mb(peakKb), stopMs: stopped.ms, exitCode: stopped.code },
      notes,
      targets,
      info,
    };
  } finally {
    for (const { server } of baselines) await server.stop();
    if (service) await service.stop();
    await mail.stop();
    if (real) await dropRedisPrefix(process.env.REDIS_URL!, redisPrefix).catch(() => undefined);
    await database?.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

function writeFileJson(path: string, value: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
