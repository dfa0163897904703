import {
  addSide,
  describeSide,
  emptySideTotals,
  machineTicks,
  postgresTicks,
  sideCpu,
  type SideSnapshot,
} from './side-cpu.ts';
import type { ProcStat } from './proc.ts';

describe('postgresTicks', () => {
  const process = (pid: number, comm: string, ppid: number, own: number, reaped = 0): ProcStat => ({
    pid,
    comm,
    ppid,
    ownTicks: own,
    reapedChildTicks: reaped,
  });

  it('sums the live server processes and what the postmaster reaped, and nothing else', () => {
    const processes = [
      process(1, 'init', 0, 500, 9000),
      process(700, 'postgres', 1, 10, 250),
      process(701, 'postgres', 700, 30),
      process(702, 'postgres', 700, 45, 99),
      process(900, 'node', 1, 4000, 7),
    ];
    // 10 + 30 + 45 of their own, 250 reaped by the postmaster (700); a backend's reaped time is not the server's.
    expect(postgresTicks(processes)).toBe(335);
  });

  it('counts a backend that ended once: its time moves from its own to the postmaster reaped', () => {
    const running = [process(700, 'postgres', 1, 10, 250), process(701, 'postgres', 700, 30)];
    const ended = [process(700, 'postgres', 1, 10, 280)];
    expect(postgresTicks(ended)).toBe(postgresTicks(running));
  });

  it('is unknown where no PostgreSQL process runs', () => {
    expect(postgresTicks([process(900, 'node', 1, 4000)])).toBeNull();
  });
});

describe('machineTicks', () => {
  it('counts idle and iowait as not busy, and everything else but guest time (already in user) as busy', () => {
    const stat = 'cpu  100 5 40 800 20 3 7 2 11 0\ncpu0 50 2 20 400 10 1 3 1 5 0\nintr 1\n';
    expect(machineTicks(stat)).toEqual({ busy: 100 + 5 + 40 + 3 + 7 + 2, total: 157 + 800 + 20 });
  });

  it('refuses what is not /proc/stat', () => {
    expect(() => machineTicks('intr 1 2')).toThrow('not /proc/stat');
  });
});

describe('addSide and sideCpu', () => {
  const snapshot = (redisMs: number | null, postgresMs: number | null, loadMs: number, busy: number, total: number) =>
    ({ redisMs, postgresMs, loadMs, machine: { busy, total } }) satisfies SideSnapshot;

  it('gives each part per response over the loads of a row, and the machine busy share', () => {
    const totals = emptySideTotals();
    addSide(totals, snapshot(1000, 5000, 200, 10_000, 20_000), snapshot(1010, 5300, 500, 10_170, 20_200));
    addSide(totals, snapshot(1020, 5400, 600, 10_300, 20_400), snapshot(1030, 5700, 900, 10_470, 20_600));
    // 3,000 responses: Redis 20 ms, PostgreSQL 600 ms, load generator 600 ms; 340 of 400 ticks busy.
    const side = sideCpu(totals, 3000);
    expect(side.redisUs).toBeCloseTo(20_000 / 3000, 6);
    expect(side.postgresUs).toBeCloseTo(200, 6);
    expect(side.loadUs).toBeCloseTo(200, 6);
    expect(side.machineBusyPct).toBeCloseTo(85, 6);
    expect(describeSide(side)).toBe('Redis 7, PostgreSQL 200, load generator 200 µs/req; machine 85% busy');
  });

  it('leaves a part out of the whole row when one of its loads could not read it', () => {
    const totals = emptySideTotals();
    addSide(totals, snapshot(1000, 5000, 0, 0, 100), snapshot(1010, 5300, 100, 50, 200));
    addSide(totals, snapshot(null, 5300, 100, 50, 200), snapshot(1030, 5600, 200, 100, 300));
    const side = sideCpu(totals, 1000);
    expect(side.redisUs).toBeUndefined();
    expect(side.postgresUs).toBeCloseTo(600, 6);
    expect(describeSide(side)).toBe('PostgreSQL 600, load generator 200 µs/req; machine 50% busy');
  });

  it('has no per-response figure for a row without responses', () => {
    const totals = emptySideTotals();
    addSide(totals, snapshot(1, 2, 3, 4, 5), snapshot(1, 2, 3, 4, 5));
    expect(sideCpu(totals, 0).postgresUs).toBeUndefined();
    expect(sideCpu(totals, 0).machineBusyPct).toBeUndefined();
  });
});
