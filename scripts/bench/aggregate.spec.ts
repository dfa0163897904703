import {
  aggregateFigures,
  aggregateRows,
  aggregateTargets,
  describeSpread,
  median,
  type RowSample,
  spread,
  type TargetCheck,
} from './aggregate.ts';

const row = (key: string, rps: number, extra: Partial<RowSample> = {}): RowSample => ({
  key,
  label: key,
  server: key === 'bare' ? 'baseline' : 'service',
  load: { rps, p99: 5 },
  errors: 0,
  cpuUsPerRequest: 100,
  ...extra,
});

const check = (key: string, pass: boolean, value?: number, extra: Partial<TargetCheck> = {}): TargetCheck => ({
  key,
  name: key,
  target: '≥ 60%',
  measured: value === undefined ? (pass ? 'ok' : 'bad') : `${value}%`,
  value,
  unit: '%',
  pass,
  ...extra,
});

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([7])).toBe(7);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
  });

  it('has none for no values', () => {
    expect(median([])).toBeUndefined();
  });
});

describe('spread', () => {
  it('keeps each run and gives min and median over the runs that measured the figure', () => {
    expect(spread([40, undefined, 46, 42])).toEqual({ values: [40, undefined, 46, 42], min: 40, median: 42 });
  });

  it('is written as min, median and the runs', () => {
    expect(describeSpread(spread([2698, 3017, 2994]), ' req/s')).toBe(
      'min 2,698 req/s, median 2,994 req/s (2,698 · 3,017 · 2,994 req/s)',
    );
    expect(describeSpread(spread([undefined, undefined]), '%')).toBe('— · —%');
  });
});

describe('aggregateTargets', () => {
  it('is met only when every run met it', () => {
    const [target] = aggregateTargets([[check('me', true, 61)], [check('me', false, 58)], [check('me', true, 65)]]);
    expect(target.met).toBe(false);
    expect(target.missedIn).toBe(1);
    expect(target.runs).toBe(3);
    expect(target.spread).toEqual({ values: [61, 58, 65], min: 58, median: 61 });

    const [met] = aggregateTargets([[check('me', true, 61)], [check('me', true, 62)]]);
    expect(met.met).toBe(true);
    expect(met.spread?.median).toBe(61.5);
  });

  it('counts a target a run did not measure as missed there', () => {
    const [target] = aggregateTargets([[check('soak', true, 2)], []]);
    expect(target.met).toBe(false);
    expect(target.missedIn).toBe(1);
    expect(target.perRun[1]).toBeUndefined();
  });

  it('lists a target shown only when missed if some run missed it, and counts its absence as met', () => {
    const errors = (pass: boolean) => check('errors:me', pass, pass ? 0 : 12, { onlyWhenMissed: true });
    expect(aggregateTargets([[], [errors(true)], []])).toEqual([]);
    const [target] = aggregateTargets([[], [errors(false)], []]);
    expect(target.met).toBe(false);
    expect(target.missedIn).toBe(1);
  });

  it('keeps the order in which targets first appear', () => {
    const keys = aggregateTargets([
      [check('a', true), check('c', true)],
      [check('a', true), check('b', true), check('c', true)],
    ]).map((target) => target.key);
    expect(keys).toEqual(['a', 'c', 'b']);
  });

  it('has no spread for a target without a value', () => {
    const [target] = aggregateTargets([[check('integrity', true)], [check('integrity', true)]]);
    expect(target.spread).toBeUndefined();
    expect(target.met).toBe(true);
  });
});

describe('aggregateFigures', () => {
  it('gives min and median of the runs that have the figure', () => {
    const figure = (value: number) => ({ key: 'fastify', name: 'vs Fastify', measured: `${value}%`, value, unit: '%' });
    const [result] = aggregateFigures([[figure(30)], [figure(40)], [figure(35)], [figure(33)]]);
    expect(result.spread).toEqual({ values: [30, 40, 35, 33], min: 30, median: 34 });
  });
});

describe('aggregateRows', () => {
  it("computes each run's share of the bare route against that run's own bare route", () => {
    const rows = aggregateRows([
      [row('bare', 1000), row('me', 500)],
      [row('bare', 2000), row('me', 800)],
      [row('bare', 1000), row('me', 600)],
    ]);
    const bare = rows.find((entry) => entry.key === 'bare')!;
    const me = rows.find((entry) => entry.key === 'me')!;
    expect(bare.rps).toEqual({ values: [1000, 2000, 1000], min: 1000, median: 1000 });
    expect(bare.vsBare).toBeUndefined();
    expect(me.rps.median).toBe(600);
    expect(me.vsBare?.values).toEqual([50, 40, 60]);
    expect(me.vsBare?.min).toBe(40);
    expect(me.vsBare?.median).toBe(50);
  });

  it('has no share where no run measured the bare route', () => {
    const [me] = aggregateRows([[row('me', 500)], [row('me', 700)]]);
    expect(me.vsBare).toBeUndefined();
    expect(me.rps.median).toBe(600);
  });

  it('leaves a gap for a run without the row', () => {
    const rows = aggregateRows([[row('bare', 1000), row('me', 500, { errors: 3 })], [row('bare', 1000)]]);
    const me = rows.find((entry) => entry.key === 'me')!;
    expect(me.rps.values).toEqual([500, undefined]);
    expect(me.vsBare?.values).toEqual([50, undefined]);
    expect(me.errors.values).toEqual([3, undefined]);
  });
});
