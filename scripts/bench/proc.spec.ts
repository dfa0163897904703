import { parseProcStat, processTree, type ProcStat } from './proc.ts';

/** A /proc/<pid>/stat line as Linux writes it (52 fields), with the fields the split reads set. */
function statLine(pid: number, comm: string, ppid: number, utime: number, stime: number, cutime = 0, cstime = 0) {
  const fields = ['S', ppid, pid, pid, 0, -1, 4194560, 1000, 0, 0, 0, utime, stime, cutime, cstime, 20, 0, 1, 0];
  return `${pid} (${comm}) ${[...fields, ...Array<number>(52 - 2 - fields.length).fill(0)].join(' ')}\n`;
}

describe('parseProcStat', () => {
  it('reads the parent, own and reaped-children times, with a command name holding spaces and parentheses', () => {
    expect(parseProcStat(statLine(812, 'postgres: 15/main: walwriter (x)', 700, 31, 9, 4, 2))).toEqual({
      pid: 812,
      comm: 'postgres: 15/main: walwriter (x)',
      ppid: 700,
      ownTicks: 40,
      reapedChildTicks: 6,
    });
  });

  it('refuses a line that is not one', () => {
    expect(() => parseProcStat('cpu  1 2 3')).toThrow('not a /proc/<pid>/stat line');
  });
});

describe('processTree', () => {
  const process = (pid: number, ppid: number): ProcStat => ({
    pid,
    comm: 'node',
    ppid,
    ownTicks: 0,
    reapedChildTicks: 0,
  });

  it('gives the root and every descendant, parents first, and nobody else', () => {
    const processes = [
      process(1, 0),
      process(10, 1),
      process(11, 10),
      process(12, 10),
      process(13, 12),
      process(20, 1),
    ];
    expect(processTree(10, processes)).toEqual([10, 11, 12, 13]);
  });

  it('gives the root alone when it has no children', () => {
    expect(processTree(20, [process(1, 0), process(20, 1)])).toEqual([20]);
  });
});
