export const SCENARIOS = [
  'bare',
  'bare-fastify',
  'bare-noetag',
  'me',
  'me-fastify',
  'refresh',
  'login',
  'verify',
  'soak',
  'logoff',
  'cluster',
  'embedded-memory',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** Measured only when named in --only: experiments, not part of a full run or of CI's quick one. */
const OPT_IN: ReadonlySet<ScenarioName> = new Set(['bare-noetag']);

export interface BenchOptions {
  quick: boolean;
  /** Seconds each endpoint is measured. */
  durationS: number;
  /** Seconds of the same load before each measurement, not counted. */
  warmupS: number;
  connections: number;
  soakS: number;
  scenarios: Set<ScenarioName>;
  /** Runs the service under `node --cpu-prof` and prints where its time went. */
  cpuProf: boolean;
  /** Service stdout to bench-results/service.log instead of /dev/null. */
  logFile: boolean;
  /** Where the report goes: docs/ for a full run, bench-results/ for --quick unless --docs. */
  writeDocs: boolean;
  /** Extra Node flags for the service process (experiments, e.g. V8 heap sizes). */
  nodeFlags: string[];
  /** Complete runs one after another (each its own service processes and seeding); min and median over them. */
  runs: number;
}

const USAGE = `npm run bench [-- options]
  --quick              short run for CI (< 1 min): 3 s per endpoint, no soak, no log-off run
  --duration=SECONDS   measurement per endpoint (default 15, quick 3)
  --warmup=SECONDS     unmeasured load before each (default 3, quick too: the service's JIT needs it)
  --connections=N      autocannon connections (default 50)
  --soak=SECONDS       soak length at 70% of /me capacity (default 120; skipped with --quick)
  --only=a,b           scenarios among ${SCENARIOS.join(', ')}
                       (${[...OPT_IN].join(', ')} only when named here)
  --cpu-prof           run the service under node --cpu-prof; profiles in bench-results/profiles
  --log-file           keep the service's stdout in bench-results/service.log (default /dev/null)
  --docs               with --quick or --only, still write docs/PERFORMANCE.md (else bench-results/)
  --node-flags="..."   extra Node flags for the service process (experiments; reported with the run)
  --runs=N             N complete runs one after another (default 1), each with fresh service processes and
                       seeding; prints each run, then per row and target each run's value, min and median
                       (of an even count: the mean of the two middle values); a target is met only if every
                       run met it`;

function numberFlag(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name}: "${value}" is not a positive number`);
  return parsed;
}

function countFlag(value: string, name: string): number {
  const parsed = numberFlag(value, name);
  if (!Number.isInteger(parsed)) throw new Error(`--${name}: "${value}" is not a whole number`);
  return parsed;
}

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = new Set([
    'quick',
    'duration',
    'warmup',
    'connections',
    'soak',
    'only',
    'cpu-prof',
    'log-file',
    'docs',
    'node-flags',
    'runs',
  ]);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}\n${USAGE}`);

  const quick = flags.has('quick');
  const only = flags.get('only');
  const scenarios = new Set<ScenarioName>(
    only
      ? only.split(',').map((name) => {
          if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario "${name}"`);
          return name as ScenarioName;
        })
      : SCENARIOS.filter((name) => !OPT_IN.has(name)),
  );
  if (quick && !only) {
    scenarios.delete('soak');
    scenarios.delete('logoff');
  }
  return {
    quick,
    durationS: flags.has('duration') ? numberFlag(flags.get('duration')!, 'duration') : quick ? 3 : 15,
    warmupS: flags.has('warmup') ? numberFlag(flags.get('warmup')!, 'warmup') : 3,
    connections: flags.has('connections') ? numberFlag(flags.get('connections')!, 'connections') : 50,
    soakS: flags.has('soak') ? numberFlag(flags.get('soak')!, 'soak') : 120,
    scenarios,
    cpuProf: flags.has('cpu-prof'),
    logFile: flags.has('log-file'),
    // Only a full run of every row replaces the documented one, unless asked.
    writeDocs: (!quick && !only) || flags.has('docs'),
    nodeFlags: (flags.get('node-flags') ?? '').split(/\s+/).filter(Boolean),
    runs: flags.has('runs') ? countFlag(flags.get('runs')!, 'runs') : 1,
  };
}
