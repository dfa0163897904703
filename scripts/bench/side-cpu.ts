// What runs beside the service during a load, and its CPU: the Redis server, the PostgreSQL server
// when it runs on this machine, the benchmark's own process (it runs the load generator), and the
// machine as a whole. On two cores shared by all of them, a row's requests per second is bounded by
// their sum as much as by the service; these figures say how the cores were spent.
import { readFileSync } from 'node:fs';
import { type ProcStat, readProcesses, TICKS_PER_S } from './proc.ts';

/**
 * CPU ticks of the PostgreSQL server on this machine: its live processes' own time, plus what the
 * postmaster has reaped from children that ended (a backend or autovacuum worker that exits moves its
 * time from the first sum to the second, so the total only grows). Null when no PostgreSQL process runs
 * here.
 */
export function postgresTicks(processes: readonly ProcStat[]): number | null {
  const postgres = processes.filter((process) => process.comm === 'postgres');
  if (postgres.length === 0) return null;
  const pids = new Set(postgres.map((process) => process.pid));
  let ticks = 0;
  for (const process of postgres) {
    ticks += process.ownTicks;
    // The postmaster: a postgres process whose parent is not one.
    if (!pids.has(process.ppid)) ticks += process.reapedChildTicks;
  }
  return ticks;
}

/** Busy and total ticks of all CPUs, from the first line of /proc/stat. */
export function machineTicks(procStat: string): { busy: number; total: number } {
  const line = procStat.split('\n', 1)[0];
  if (!line.startsWith('cpu ')) throw new Error(`not /proc/stat: ${line.slice(0, 40)}`);
  // user nice system idle iowait irq softirq steal (guest time is counted in user already).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .slice(4)
    .trim()
    .split(/\s+/)
    .map((value) => Number(value) || 0);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** The CPU counters beside the service at one moment. */
export interface SideSnapshot {
  /** Redis server (INFO cpu), ms; null on the embedded parts. */
  redisMs: number | null;
  /** PostgreSQL server on this machine, ms; null on the embedded parts or a server elsewhere. */
  postgresMs: number | null;
  /** This process (the load generator, and the benchmark's sampling of the service), ms. */
  loadMs: number;
  machine: { busy: number; total: number } | null;
}

/** Reads the counters; `redisMs` is asked of the Redis server by the caller (a network round trip). */
export function sideSnapshot(redisMs: number | null, real: boolean): SideSnapshot {
  let machine: SideSnapshot['machine'] = null;
  try {
    machine = machineTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    // Not Linux: the machine's share is left out.
  }
  const postgres = real ? postgresTicks(readProcesses()) : null;
  const usage = process.cpuUsage();
  return {
    redisMs,
    postgresMs: postgres === null ? null : (postgres * 1000) / TICKS_PER_S,
    loadMs: (usage.user + usage.system) / 1000,
    machine,
  };
}

/** CPU beside the service over a load: per response, µs, and the machine's busy share. */
export interface SideCpu {
  redisUs?: number;
  postgresUs?: number;
  loadUs: number;
  /** Share of all CPUs' time that was busy, %. */
  machineBusyPct?: number;
}

/** A row's counters summed over its loads (one load, or its slices), ms and ticks. */
export interface SideTotals {
  redisMs: number | null;
  postgresMs: number | null;
  loadMs: number;
  busyTicks: number | null;
  totalTicks: number | null;
}

export function emptySideTotals(): SideTotals {
  return { redisMs: 0, postgresMs: 0, loadMs: 0, busyTicks: 0, totalTicks: 0 };
}

/** Adds one load's counters, `after` less `before`; a counter unknown at either end stays unknown for the whole row. */
export function addSide(into: SideTotals, before: SideSnapshot, after: SideSnapshot): void {
  const add = (sum: number | null, from: number | null, to: number | null) =>
    sum === null || from === null || to === null ? null : sum + (to - from);
  into.redisMs = add(into.redisMs, before.redisMs, after.redisMs);
  into.postgresMs = add(into.postgresMs, before.postgresMs, after.postgresMs);
  into.loadMs += after.loadMs - before.loadMs;
  into.busyTicks = add(into.busyTicks, before.machine?.busy ?? null, after.machine?.busy ?? null);
  into.totalTicks = add(into.totalTicks, before.machine?.total ?? null, after.machine?.total ?? null);
}

export function sideCpu(totals: SideTotals, responses: number): SideCpu {
  const perResponse = (ms: number | null) => (ms === null || responses <= 0 ? undefined : (ms * 1000) / responses);
  return {
    redisUs: perResponse(totals.redisMs),
    postgresUs: perResponse(totals.postgresMs),
    loadUs: perResponse(totals.loadMs) ?? 0,
    machineBusyPct:
      totals.busyTicks === null || totals.totalTicks === null || totals.totalTicks <= 0
        ? undefined
        : (100 * totals.busyTicks) / totals.totalTicks,
  };
}

/** "Redis 2, PostgreSQL 118, load generator 140 µs/req; machine 86% busy" (the parts that are known). */
export function describeSide(side: SideCpu): string {
  const parts = [
    side.redisUs === undefined ? null : `Redis ${side.redisUs.toFixed(0)}`,
    side.postgresUs === undefined ? null : `PostgreSQL ${side.postgresUs.toFixed(0)}`,
    `load generator ${side.loadUs.toFixed(0)}`,
  ].filter((part) => part !== null);
  const machine = side.machineBusyPct === undefined ? '' : `; machine ${side.machineBusyPct.toFixed(0)}% busy`;
  return `${parts.join(', ')} µs/req${machine}`;
}
