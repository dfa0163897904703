import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  aggregateFigures,
  aggregateRows,
  aggregateTargets,
  describeAcrossRuns,
  type Figure,
  fmt,
  perRunText,
  spread,
  type TargetCheck,
} from './aggregate.ts';
import type { BcryptBound } from './bcrypt-bound.ts';
import type { LoadResult } from './load.ts';
import type { SideCpu } from './side-cpu.ts';

export type { Figure, TargetCheck };

export interface EndpointResult {
  key: string;
  label: string;
  /** Which process answered. */
  server: 'baseline' | 'service' | 'service, log off' | 'cluster';
  expectedStatus: number;
  load: LoadResult;
  /** Responses other than the expected status, plus requests with no response. */
  errors: number;
  peakRssMb: number;
  /** CPU time (user + system) the answering process spent per response in the measured window, µs. */
  cpuUsPerRequest: number;
  /** CPU beside it per response (Redis, PostgreSQL, the load generator) and the machine's busy share. */
  side?: SideCpu;
}

export interface BenchReport {
  date: string;
  command: string;
  mode: 'real PostgreSQL + Redis' | 'embedded (PGlite + in-process store)';
  machine: { nproc: number; cpu: string; memoryGb: number; node: string; kernel: string };
  settings: {
    connections: number;
    durationS: number;
    warmupS: number;
    bcryptCost: number;
    logLevel: string;
    /** How the service process was started (from package.json's start:prod). */
    serviceCommand: string;
  };
  bcrypt: BcryptBound;
  endpoints: EndpointResult[];
  refresh?: {
    seeded: number;
    successes: number;
    /** Requests in flight when a run stopped: sent, never answered. */
    unanswered: number;
    spent: number;
    orphaned: number;
    successorsSpent: number;
    raceTokens: number;
    raceWinners: number;
    raceDoubleWins: number;
  };
  soak?: {
    rate: number;
    durationS: number;
    achievedRps: number;
    errors: number;
    rssAt20sMb: number;
    rssEndMb: number;
    changePct: number;
    p99: number;
  };
  service: { idleRssMb: number; peakRssMb: number; stopMs: number; exitCode: number | null };
  notes: string[];
  targets: TargetCheck[];
  /** Figures reported without a target. */
  info: Figure[];
}

const BEGIN = '<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** Command, service, machine and load: the same for every run of one invocation. */
function setupLines(report: BenchReport): string[] {
  return [
    `- Command: \`${report.command}\``,
    `- Service: \`${report.settings.serviceCommand}\` on ${report.mode}; bcrypt cost ${report.settings.bcryptCost}; ` +
      `LOG_LEVEL=${report.settings.logLevel}, stdout to /dev/null`,
    `- Machine: ${report.machine.nproc} cores (\`nproc\`), ${report.machine.cpu}, ${fmt(report.machine.memoryGb, 1)} GiB memory, ` +
      `Linux ${report.machine.kernel}, Node ${report.machine.node}`,
    `- Load: autocannon (as a library, in the benchmark process), ${report.settings.connections} connections, ` +
      `${report.settings.warmupS} s warm-up then ${report.settings.durationS} s measured per row`,
  ];
}

/** One run's rows, with the bcrypt bound of that run. */
function endpointTable(report: BenchReport): string[] {
  const bare = report.endpoints.find((row) => row.key === 'bare');
  const lines: string[] = [];
  lines.push(
    '| Endpoint | Server | Requests/s | vs bare route | p50 ms | p99 ms | Errors | CPU µs/request | Peak RSS MB |',
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of report.endpoints) {
    const share = bare && row !== bare ? `${fmt((row.load.rps / bare.load.rps) * 100)}%` : row === bare ? '100%' : '';
    lines.push(
      `| ${row.label} | ${row.server} | ${fmt(row.load.rps)} | ${share} | ${fmt(row.load.p50)} | ${fmt(row.load.p99)} | ` +
        `${fmt(row.errors)} | ${fmt(row.cpuUsPerRequest)} | ${fmt(row.peakRssMb)} |`,
    );
  }
  lines.push(
    `| bcrypt bound (cost ${report.bcrypt.cost}) | ${report.bcrypt.cores} cores × 1000 / ${fmt(report.bcrypt.msPerHash, 1)} ms | ` +
      `${fmt(report.bcrypt.loginsPerSecond, 1)} | | | | | | |`,
  );
  return lines;
}

/** Refresh integrity, soak and the service process of one run; `heading` is the Markdown heading prefix. */
function detailLines(report: BenchReport, heading: string): string[] {
  const lines: string[] = [];
  if (report.refresh) {
    const r = report.refresh;
    lines.push(`${heading} Refresh integrity`);
    lines.push('');
    lines.push(
      `${fmt(r.seeded)} unspent refresh tokens were seeded; each was presented at most once under load. ` +
        `${fmt(r.successes)} refreshes answered 200 and ${fmt(r.unanswered)} were still in flight when a run stopped; ` +
        `${fmt(r.spent)} tokens are spent in \`refresh_tokens\`, ` +
        `${fmt(r.orphaned)} spent tokens lack their successor row, ${fmt(r.successorsSpent)} successors were spent. ` +
        `Race check: ${fmt(r.raceTokens)} tokens each presented twice at once → ${fmt(r.raceWinners)} winners, ` +
        `${fmt(r.raceDoubleWins)} tokens with two winners.`,
    );
    lines.push('');
  }
  if (report.soak) {
    const s = report.soak;
    lines.push(`${heading} Soak`);
    lines.push('');
    lines.push(
      `${fmt(s.durationS)} s of \`GET /api/auth/me\` at ${fmt(s.rate)} requests/s (70% of the measured capacity; ` +
        `achieved ${fmt(s.achievedRps)}/s, p99 ${fmt(s.p99)} ms, ${fmt(s.errors)} errors): RSS ${fmt(s.rssAt20sMb, 1)} MB ` +
        `after 20 s, ${fmt(s.rssEndMb, 1)} MB at the end (${s.changePct >= 0 ? '+' : ''}${fmt(s.changePct, 1)}%).`,
    );
    lines.push('');
  }
  lines.push(
    `Service process: ${fmt(report.service.idleRssMb, 1)} MB RSS idle after seeding, ${fmt(report.service.peakRssMb, 1)} MB ` +
      `peak (VmHWM); SIGTERM to exit ${report.service.stopMs} ms, exit code ${report.service.exitCode}.`,
  );
  lines.push('');
  return lines;
}

function noteLines(notes: string[]): string[] {
  if (notes.length === 0) return [];
  return ['Notes:', '', ...notes.map((note) => `- ${note}`), ''];
}

export function renderMarkdown(report: BenchReport, chartFile: string): string {
  const lines: string[] = [];
  lines.push(`## Latest run: ${report.date}`);
  lines.push('');
  lines.push(...setupLines(report));
  lines.push('');
  lines.push(...endpointTable(report));
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| Target | Wanted | Measured | |');
  lines.push('|---|---|---|---|');
  for (const check of report.targets) {
    lines.push(`| ${check.name} | ${check.target} | ${check.measured} | ${check.pass ? 'met' : '**missed**'} |`);
  }
  lines.push('');
  if (report.info.length > 0) {
    lines.push('Also measured (no target):');
    lines.push('');
    for (const figure of report.info) lines.push(`- ${figure.name}: ${figure.measured}`);
    lines.push('');
  }
  lines.push(...detailLines(report, '###'));
  lines.push(...noteLines(report.notes));
  lines.push(`![Requests per second per endpoint against the bare Nest route](${chartFile})`);
  return lines.join('\n');
}

/**
 * Notes of several runs, each once: a note every run made as it is, the others
 * with the runs that made them.
 */
export function mergeNotes(reports: BenchReport[]): string[] {
  const notes: string[] = [];
  for (const note of new Set(reports.flatMap((report) => report.notes))) {
    const runs = reports.flatMap((report, index) => (report.notes.includes(note) ? [index + 1] : []));
    notes.push(runs.length === reports.length ? note : `Run ${runs.join(', ')}: ${note}`);
  }
  return notes;
}

/**
 * Several complete runs of one invocation: each row's requests/s per run with min and median,
 * each target over the runs (met only when every run met it), then each run's own rows.
 */
export function renderRunsMarkdown(reports: BenchReport[], chartFile: string): string {
  const first = reports[0];
  const n = reports.length;
  const runNumbers = reports.map((_, index) => index + 1).join(' · ');
  const lines: string[] = [];
  lines.push(`## Latest run: ${first.date}, ${n} runs`);
  lines.push('');
  lines.push(...setupLines(first));
  lines.push(
    `- Runs: ${n} complete runs one after another, each with its own service processes, seeding and bcrypt bound; ` +
      '"vs bare route" is taken against the same run\'s bare route. Min and median are over the runs (the median ' +
      'of an even number of runs is the mean of the two middle values); a target counts as met only when every ' +
      'run met it.',
  );
  lines.push('');
  lines.push('### Runs');
  lines.push('');
  lines.push(
    `| Endpoint | Server | Requests/s, runs ${runNumbers} | Min | Median | vs bare route, runs ${runNumbers} | Min | Median | ` +
      `p99 ms, runs ${runNumbers} | CPU µs/request, runs ${runNumbers} | Errors, runs ${runNumbers} |`,
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const cell = (value: number | undefined, unit = '', digits = 0) =>
    value === undefined ? '' : `${fmt(value, digits)}${unit}`;
  for (const row of aggregateRows(reports.map((report) => report.endpoints))) {
    const share = row.vsBare;
    lines.push(
      `| ${row.label} | ${row.server} | ${perRunText(row.rps.values)} | ${cell(row.rps.min)} | ${cell(row.rps.median)} | ` +
        `${share ? perRunText(share.values, '%') : row.key === 'bare' ? '100%' : ''} | ${cell(share?.min, '%')} | ` +
        `${cell(share?.median, '%')} | ${perRunText(row.p99.values, '', 1)} | ${perRunText(row.cpuUsPerRequest.values)} | ` +
        `${perRunText(row.errors.values)} |`,
    );
  }
  const bound = spread(reports.map((report) => report.bcrypt.loginsPerSecond));
  lines.push(
    `| bcrypt bound (cost ${first.bcrypt.cost}) | logins/s | ${perRunText(bound.values, '', 1)} | ${cell(bound.min, '', 1)} | ` +
      `${cell(bound.median, '', 1)} | | | | | | |`,
  );
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push(`| Target | Wanted | Measured: min, median (runs ${runNumbers}) | |`);
  lines.push('|---|---|---|---|');
  for (const target of aggregateTargets(reports.map((report) => report.targets))) {
    const verdict = target.met ? 'met in every run' : `**missed** in ${target.missedIn} of ${target.runs} runs`;
    lines.push(`| ${target.name} | ${target.target} | ${describeAcrossRuns(target)} | ${verdict} |`);
  }
  lines.push('');
  const info = aggregateFigures(reports.map((report) => report.info));
  if (info.length > 0) {
    lines.push('Also measured (no target):');
    lines.push('');
    for (const figure of info) lines.push(`- ${figure.name}: ${describeAcrossRuns(figure)}`);
    lines.push('');
  }
  reports.forEach((report, index) => {
    lines.push(`### Run ${index + 1} of ${n}: ${report.date}`);
    lines.push('');
    lines.push(...endpointTable(report));
    lines.push('');
    lines.push(...detailLines(report, '####'));
  });
  lines.push(...noteLines(mergeNotes(reports)));
  lines.push(`![Median requests per second per endpoint over ${n} runs against the bare Nest route](${chartFile})`);
  return lines.join('\n');
}

const HOW = `# Performance

How fast the service answers, measured by \`npm run bench\` (\`scripts/bench.ts\`).

## How the numbers are taken

- \`npm run bench\` builds the service (\`nest build\`), then runs \`scripts/bench.ts\` with Node's type stripping.
  With \`DATABASE_URL\` and \`REDIS_URL\` set it uses that PostgreSQL server (in a fresh database it creates and
  drops) and that Redis (under a fresh key prefix); otherwise the embedded parts.
- The service runs as its own process, \`node <flags> dist/src/main.js\`, exactly as \`npm run start:prod\` runs
  it (the Node flags are read from that script): \`LOG_LEVEL=info\` as in production with stdout to /dev/null,
  \`RATE_LIMIT_MAX\` raised so the limiter counts but never refuses, bcrypt at the configured cost, \`NODE_ENV=production\`
  on the real parts. autocannon runs in the benchmark process, so the two share the machine's cores (and
  PostgreSQL and Redis share them too) but not an event loop.
- The baseline is \`scripts/bench/bare-app.mjs\`: a minimal NestJS app on Express with one GET route answering a
  \`/me\`-sized envelope, started the same way on the same Node. \`scripts/bench/bare-fastify-app.mjs\` is the same
  app on Nest's Fastify adapter (the row "bare Nest route on Fastify"): what the platform alone costs.
- Users are seeded by one signup through the API (send code → mail → verify → signup), whose password hash is
  then copied into more accounts. Sessions with unspent refresh tokens are written straight into PostgreSQL
  and their JWTs signed with the service's secret: the state a login leaves, without a bcrypt run each.
- Each row is one autocannon run: a warm-up, then a fixed measured window, without a break (so nothing the
  warm-up left in flight is abandoned). Every response is timestamped; requests/s = responses in the window /
  its length, p50/p99 from their latencies; errors = responses other than the expected status (200, or 400
  for the wrong-code verify) plus requests that got no answer. Logins get at least 2 s of warm-up and 5 s of
  measurement (50 of them queue for ~1.3 s of bcrypt), in slices of ~3 s taken in turns with the bcrypt bound
  (below); each slice after the first is warmed up for 1 s.
- The bare routes and \`/me\` are measured in turns: all three processes are up, each row's measured seconds are
  cut into slices of ~1 s (each warmed up for 0.5 s, the first for the usual warm-up), and the rows take turns
  slice by slice; a row's figures are its slices' together. Measured one after the other, minutes apart, the
  ratio of \`/me\` to the bare route moved with the machine's speed (the same build: 80% and 54% minutes apart).
  \`BENCH_SLICES=1\` prints each slice's requests/s and CPU per request.
- The warm-up is 3 s, \`--quick\` included: after 1 s, the first measured second of \`/me\` still cost 20–130%
  more CPU per request than its later ones (V8 was still compiling hot paths), the bare route's 30–90% more.
- CPU µs/request: user + system CPU time of the answering process (\`/proc/<pid>/stat\`, sampled every 100 ms)
  over the measured window, divided by its responses; on a machine busy with other work this moves much less
  than requests/s.
- Beside it (the log line of each row, and \`side\` in the JSON results): over the whole load, warm-up included,
  per response, the CPU of the Redis server (\`INFO cpu\`), of the PostgreSQL server when it runs on this machine
  (its processes' \`/proc/<pid>/stat\`, with what the postmaster reaped from backends that ended), and of the
  benchmark's own process, which runs the load generator; and the share of all cores that was busy
  (\`/proc/stat\`). On two cores they all share, these say how far a row was from filling the machine.
- Memory: \`/proc/<pid>/status\` of the service (VmRSS every 100 ms, VmHWM at the end); for the cluster the sum
  over the primary and its workers.
- The bcrypt bound: cores × 1000 / (median ms of one bcrypt comparison at the configured cost, measured in
  the benchmark process with no load running). When the run measures login, the bound and the login load
  take turns: comparisons are timed before the first login slice, between slices and after the last (each
  time after the queued logins have finished). Each of those points gives a rate (cores × 1000 / its median
  ms), each slice the mean of the rates at its two ends, and the bound is the mean over the slices, as the
  login rate is: a slow stretch of the host weighs in both alike, so the login share compares measurements
  of the same seconds. Measured once before and once after a single load, a slowdown of the host during
  either moved the share by up to 13 points (the same build: 74% and 87%, minutes apart). Otherwise the
  bound is the one taken before any load.
- Refresh: every request carries a fresh, never-used refresh token; afterwards the benchmark counts spent
  rows against 200 responses and checks each spent token has its successor row. A small race check presents
  tokens twice at once and expects exactly one winner each.
- Soak (full run only): 2 minutes at 70% of the measured \`/me\` capacity (autocannon \`overallRate\`);
  RSS after 20 s is compared with RSS at the end.
- \`npm run bench -- --quick\` (CI) runs 3 s per row without soak and log-off rows. A quick run, or one
  limited by \`--only\`, writes to \`bench-results/\` unless given \`--docs\`, so that only a run of every row
  replaces the block in docs/PERFORMANCE.md. \`--cpu-prof\` runs the service under \`node --cpu-prof\` and prints
  where its time went.
- \`--runs=N\` takes N complete runs one after another, each with its own bcrypt bound, seeding and service
  processes (the machine is noisy: identical runs differ by ±15%). Each run's rows are printed; then, per row,
  each run's requests/s and share of that run's own bare route with min and median (of an even count, the
  mean of the two middle values), and per target each run's value with min and median, met only when every
  run met it. The report gets a "Runs" table and each run's rows; the chart shows the medians.

`;

/** Rewrites the generated part of docs/PERFORMANCE.md (between the markers), keeping the rest. */
export function writeMarkdown(path: string, generated: string): void {
  const block = `${BEGIN}\n${generated}\n${END}`;
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : `${HOW}${BEGIN}\n${END}\n`;
  const start = existing.indexOf(BEGIN.slice(0, 20));
  const end = existing.indexOf(END);
  const next =
    start >= 0 && end > start
      ? existing.slice(0, start) + block + existing.slice(end + END.length)
      : `${existing.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
