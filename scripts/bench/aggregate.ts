// Figures over several runs of the benchmark: per-run values, min and median,
// and a target counted as met only when every run met it. Pure functions, so a
// unit test covers them without starting anything.

/** One measured figure over the runs: its value in each run (undefined where a run did not measure it). */
export interface Spread {
  values: (number | undefined)[];
  min: number | undefined;
  median: number | undefined;
}

/** The median; of an even count, the mean of the two middle values. undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Min and median over the runs that measured the figure. */
export function spread(values: readonly (number | undefined)[]): Spread {
  const measured = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return {
    values: [...values],
    min: measured.length > 0 ? Math.min(...measured) : undefined,
    median: median(measured),
  };
}

/** A figure reported without a target (e.g. a ratio between two rows). */
export interface Figure {
  /** Stable across runs: how the same figure is found in each run. */
  key: string;
  name: string;
  measured: string;
  /** The figure as a number, for min and median over runs. */
  value?: number;
  /** Written after the numbers: '%', ' ms', '/s', ' MB'. */
  unit?: string;
  /** Decimals when written (default 0). */
  digits?: number;
}

export interface TargetCheck extends Figure {
  /** What is wanted, the same text in every run. */
  target: string;
  pass: boolean;
  /**
   * Listed only when missed (e.g. errors on a row): a run without it met it.
   * Other targets missing from a run count as missed there.
   */
  onlyWhenMissed?: boolean;
}

/** The same figure in each run, in the order the figures first appeared. */
function byKey<T extends { key: string }>(runs: readonly (readonly T[])[]): { first: T; perRun: (T | undefined)[] }[] {
  const keys: string[] = [];
  const first = new Map<string, T>();
  for (const run of runs) {
    for (const item of run) {
      if (!first.has(item.key)) {
        keys.push(item.key);
        first.set(item.key, item);
      }
    }
  }
  return keys.map((key) => ({
    first: first.get(key)!,
    perRun: runs.map((run) => run.find((item) => item.key === key)),
  }));
}

export interface FigureAcrossRuns {
  key: string;
  name: string;
  unit: string;
  digits: number;
  /** Each run's own figure (undefined where that run had none). */
  perRun: (Figure | undefined)[];
  /** When the figure has a value: each run's, min and median. */
  spread?: Spread;
}

export interface TargetAcrossRuns extends FigureAcrossRuns {
  target: string;
  perRun: (TargetCheck | undefined)[];
  /** Met in every run. */
  met: boolean;
  /** Runs that missed it (an absent target counts, unless it is listed only when missed). */
  missedIn: number;
  runs: number;
}

function across<T extends Figure>(group: { first: T; perRun: (T | undefined)[] }): FigureAcrossRuns {
  const hasValue = group.perRun.some((item) => item?.value !== undefined);
  return {
    key: group.first.key,
    name: group.first.name,
    unit: group.first.unit ?? '',
    digits: group.first.digits ?? 0,
    perRun: group.perRun,
    spread: hasValue ? spread(group.perRun.map((item) => item?.value)) : undefined,
  };
}

export function aggregateFigures(runs: readonly (readonly Figure[])[]): FigureAcrossRuns[] {
  return byKey(runs).map(across);
}

/**
 * Each target over the runs: met only when every run met it. Targets listed only when missed are
 * left out when no run missed them.
 */
export function aggregateTargets(runs: readonly (readonly TargetCheck[])[]): TargetAcrossRuns[] {
  const targets: TargetAcrossRuns[] = [];
  for (const group of byKey(runs)) {
    const onlyWhenMissed = group.first.onlyWhenMissed === true;
    const missedIn = group.perRun.filter((check) => (check === undefined ? !onlyWhenMissed : !check.pass)).length;
    if (onlyWhenMissed && missedIn === 0) continue;
    targets.push({
      ...across(group),
      target: group.first.target,
      perRun: group.perRun,
      met: missedIn === 0,
      missedIn,
      runs: runs.length,
    });
  }
  return targets;
}

/** The fields of a measured row the aggregate reads. */
export interface RowSample {
  key: string;
  label: string;
  server: string;
  load: { rps: number; p99: number };
  errors: number;
  cpuUsPerRequest: number;
}

export interface RowAcrossRuns {
  key: string;
  label: string;
  server: string;
  rps: Spread;
  /** Each run's requests/s as a percentage of the same run's bare route; absent for the bare route itself. */
  vsBare?: Spread;
  p99: Spread;
  cpuUsPerRequest: Spread;
  errors: Spread;
}

/** Every row over the runs; "vs bare" is computed per run against that run's own bare route. */
export function aggregateRows(runs: readonly (readonly RowSample[])[], bareKey = 'bare'): RowAcrossRuns[] {
  return byKey(runs).map(({ first, perRun }) => {
    const vsBare = perRun.map((row, index) => {
      const bare = runs[index].find((candidate) => candidate.key === bareKey);
      return row && bare && bare.load.rps > 0 ? (row.load.rps / bare.load.rps) * 100 : undefined;
    });
    return {
      key: first.key,
      label: first.label,
      server: first.server,
      rps: spread(perRun.map((row) => row?.load.rps)),
      vsBare: first.key === bareKey || vsBare.every((value) => value === undefined) ? undefined : spread(vsBare),
      p99: spread(perRun.map((row) => row?.load.p99)),
      cpuUsPerRequest: spread(perRun.map((row) => row?.cpuUsPerRequest)),
      errors: spread(perRun.map((row) => row?.errors)),
    };
  });
}

/** 12,345 / 38.5: en-US grouping, fixed decimals. */
export const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "a · b · c" plus the unit; '—' for a run without the figure. */
export function perRunText(values: readonly (number | undefined)[], unit = '', digits = 0): string {
  return values.map((value) => (value === undefined ? '—' : fmt(value, digits))).join(' · ') + unit;
}

/** "min X, median Y (a · b · c)". */
export function describeSpread(figure: Spread, unit = '', digits = 0): string {
  if (figure.min === undefined || figure.median === undefined) return perRunText(figure.values, unit, digits);
  return (
    `min ${fmt(figure.min, digits)}${unit}, median ${fmt(figure.median, digits)}${unit} ` +
    `(${perRunText(figure.values, unit, digits)})`
  );
}

/** A figure over the runs in words: min, median and each run's value, or each run's own text. */
export function describeAcrossRuns(figure: FigureAcrossRuns): string {
  if (figure.spread) return describeSpread(figure.spread, figure.unit, figure.digits);
  return figure.perRun.map((item, index) => `run ${index + 1}: ${item?.measured ?? '—'}`).join('; ');
}
