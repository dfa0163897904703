import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { processTree, readProcStat, TICKS_PER_S } from './proc.ts';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MemorySample {
  at: number;
  /** Resident set of the process (and its children, for the cluster), kB. */
  rssKb: number;
  /** Peak resident set (VmHWM) of the same processes, kB. */
  hwmKb: number;
  /** CPU time (user + system) the same processes have used since they started, ms. */
  cpuMs: number;
}

/** utime + stime of a process, ms. */
function cpuTimeMs(pid: number): number {
  const stat = readProcStat(pid);
  return stat ? (stat.ownTicks * 1000) / TICKS_PER_S : 0;
}

function statusFields(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return null;
  }
}

export interface StartOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  /** Polled until it answers 200. */
  readyPath: string;
  /** Where the process's stdout goes: a file path, or null for /dev/null. */
  stdoutFile: string | null;
  stderrFile: string;
  /** Sample the whole process tree (cluster primary + workers). */
  tree?: boolean;
  readyTimeoutMs?: number;
}

/**
 * A process under test: started with `node <args>`, its memory sampled from
 * /proc every 100 ms, stopped with SIGTERM (its graceful shutdown).
 */
export class ManagedProcess {
  readonly samples: MemorySample[] = [];
  readonly url: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly sampler: NodeJS.Timeout;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  private constructor(options: StartOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    const out = options.stdoutFile === null ? 'ignore' : openSync(options.stdoutFile, 'a');
    const err = openSync(options.stderrFile, 'a');
    this.child = spawn(process.execPath, options.args, { env: options.env, stdio: ['ignore', out, err] });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve({ code, signal });
      });
    });
    const tree = options.tree === true;
    this.sampler = setInterval(() => this.sample(tree), 100);
    this.sampler.unref();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  static async start(options: StartOptions): Promise<ManagedProcess> {
    const managed = new ManagedProcess(options);
    await managed.waitReady(options.readyPath, options.readyTimeoutMs ?? 60_000, options.name, options.stderrFile);
    return managed;
  }

  private sample(tree: boolean): void {
    if (!this.running || this.child.pid === undefined) return;
    const pids = tree ? processTree(this.child.pid) : [this.child.pid];
    let rssKb = 0;
    let hwmKb = 0;
    let cpuMs = 0;
    for (const pid of pids) {
      const fields = statusFields(pid);
      if (!fields) continue;
      rssKb += fields.rssKb;
      hwmKb += fields.hwmKb;
      cpuMs += cpuTimeMs(pid);
    }
    if (rssKb > 0) this.samples.push({ at: Date.now(), rssKb, hwmKb, cpuMs });
  }

  private async waitReady(path: string, timeoutMs: number, name: string, stderrFile: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`${name} exited during start (${JSON.stringify(this.exitInfo)}); see ${stderrFile}`);
      }
      try {
        const res = await fetch(this.url + path, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.kill();
    throw new Error(`${name} did not answer ${path} within ${timeoutMs} ms; see ${stderrFile}`);
  }

  /** The latest memory sample (at most 100 ms old). */
  current(): MemorySample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** The highest resident set sampled between two instants, kB. */
  peakRssKb(from = 0, to = Number.POSITIVE_INFINITY): number {
    let peak = 0;
    for (const sample of this.samples) {
      if (sample.at >= from && sample.at <= to) peak = Math.max(peak, sample.rssKb);
    }
    return peak;
  }

  /**
   * CPU time the process used between two instants (from the samples nearest them), ms: with the
   * responses of the same window, the cost of one request, which depends far less than requests/s
   * on what else the machine is running.
   */
  cpuMsBetween(from: number, to: number): number {
    const at = (instant: number) =>
      this.samples.reduce<MemorySample | undefined>(
        (best, sample) => (!best || Math.abs(sample.at - instant) < Math.abs(best.at - instant) ? sample : best),
        undefined,
      );
    const start = at(from);
    const end = at(to);
    return start && end ? end.cpuMs - start.cpuMs : 0;
  }

  /** VmHWM of the last sample: the kernel's own peak for the process's lifetime, kB. */
  hwmKb(): number {
    return this.samples[this.samples.length - 1]?.hwmKb ?? 0;
  }

  /** SIGTERM, then waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    clearInterval(this.sampler);
    return { ...exit, ms: Date.now() - started };
  }

  private async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
    clearInterval(this.sampler);
  }
}
