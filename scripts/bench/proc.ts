// Linux's /proc, as the benchmark reads it: each process's stat line, and a process tree.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
export const TICKS_PER_S = 100;

/** The fields of /proc/<pid>/stat the benchmark needs; times in clock ticks. */
export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime: the process's own CPU. */
  ownTicks: number;
  /** cutime + cstime: the CPU of its children that ended and were waited for. */
  reapedChildTicks: number;
}

/** Parses /proc/<pid>/stat (see proc(5)); the command name is in parentheses and may hold spaces. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 60)}`);
  // From field 3 (state) on.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: field(4),
    ownTicks: field(14) + field(15),
    reapedChildTicks: field(16) + field(17),
  };
}

/** One process's stat, or null when it has ended (or never was). */
export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Every process's stat (those that end while the directory is read are left out). */
export function readProcesses(): ProcStat[] {
  const processes: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) processes.push(stat);
  }
  return processes;
}

/** `root` and its descendants among `processes`, parents before their children. */
export function processTree(root: number, processes: readonly ProcStat[] = readProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const process of processes) {
    const list = children.get(process.ppid) ?? [];
    list.push(process.pid);
    children.set(process.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}
