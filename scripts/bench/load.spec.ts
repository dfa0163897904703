import { type LoadResult, mergeLoads } from './load.ts';

const slice = (from: number, responses: number, statuses: Record<string, number>, sent = responses): LoadResult => ({
  durationS: 1,
  rps: responses,
  responses,
  p50: 0,
  p99: 0,
  statuses,
  socketErrors: 1,
  run: { sent, responses: responses + 10, statuses },
  window: { from, to: from + 1_000 },
});

describe('mergeLoads', () => {
  it('adds the slices of one row up: requests/s over their measured seconds, statuses and errors summed', () => {
    const merged = mergeLoads(
      [slice(0, 900, { 200: 899, 500: 1 }, 950), slice(5_000, 1_100, { 200: 1_100 }, 1_150)],
      [],
    );
    expect(merged.durationS).toBe(2);
    expect(merged.responses).toBe(2_000);
    expect(merged.rps).toBe(1_000);
    expect(merged.statuses).toEqual({ 200: 1_999, 500: 1 });
    expect(merged.socketErrors).toBe(2);
    expect(merged.run).toEqual({ sent: 2_100, responses: 2_020, statuses: { 200: 1_999, 500: 1 } });
    expect(merged.window).toEqual({ from: 0, to: 6_000 });
  });

  it('takes the percentiles over every latency the slices kept, not an average of theirs', () => {
    // 98 fast responses in one slice, 2 slow ones in the other: the 99th percentile is a slow one.
    const latencies = [...Array.from({ length: 98 }, () => 2), 40, 50];
    const merged = mergeLoads([slice(0, 98, { 200: 98 }), slice(2_000, 2, { 200: 2 })], latencies);
    expect(merged.p50).toBe(2);
    expect(merged.p99).toBe(50);
  });

  it('refuses an empty list', () => {
    expect(() => mergeLoads([], [])).toThrow('no slices');
  });
});
