import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, send, waitHealthy } from '../support/kit.js';

/** The pids below `pid`, children first. */
function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone while we looked.
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...next);
    frontier = next;
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const answers = (port: number): Promise<boolean> =>
  send(port, 'GET', '/health').then(
    () => true,
    () => false,
  );

/**
 * `npm start` runs the service under a small wrapper (scripts/start.mjs). A
 * signal to `npm start` or to the wrapper must stop the service itself: the
 * port stops answering and no process of the tree is left.
 */
describe('npm start and signals', () => {
  let dataDir: string;
  const started: ChildProcess[] = [];
  /** Every process a test saw under `npm start`: none may outlive the file, whatever the result. */
  const seen = new Set<number>();

  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'auth-npm-start-'));
  });

  afterAll(() => {
    for (const child of started) if (child.pid && alive(child.pid)) child.kill('SIGKILL');
    for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function npmStart(): Promise<{ npm: ChildProcess; port: number; tree: () => number[]; stderr: () => string }> {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        JWT_SECRET: randomBytes(32).toString('base64url'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    started.push(npm);
    let stderr = '';
    npm.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await waitHealthy(port, 120_000, () => npm.exitCode === null);
    const tree = () => {
      const pids = descendantsOf(npm.pid!);
      for (const pid of pids) seen.add(pid);
      return pids;
    };
    return { npm, port, tree, stderr: () => stderr };
  }

  it('SIGTERM to `npm start` stops the service: the port stops answering, no process remains', async () => {
    const { npm, port, tree } = await npmStart();
    const processes = tree();
    // npm, the wrapper (through sh or not) and the service: the service is at least two levels down.
    expect(processes.length).toBeGreaterThanOrEqual(2);
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));

    npm.kill('SIGTERM');

    await exited;
    await until(() => processes.every((pid) => !alive(pid)), 30_000, 'every process of the tree to end');
    expect(processes.filter(alive)).toEqual([]);
    expect(await answers(port)).toBe(false);
  }, 180_000);

  it('SIGINT to the wrapper (scripts/start.mjs) stops the service and the wrapper exits 0', async () => {
    const { npm, port, tree } = await npmStart();
    const processes = tree();
    const wrapper = processes.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/start.mjs'));
    expect(wrapper).toBeDefined();
    const service = processes.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/src/main.js'));
    expect(service).toBeDefined();
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));

    process.kill(wrapper!, 'SIGINT');

    // The service drains and exits 0; the wrapper passes that on, and npm with it.
    expect(await exited).toBe(0);
    await until(() => processes.every((pid) => !alive(pid)), 30_000, 'every process of the tree to end');
    expect(alive(service!)).toBe(false);
    expect(await answers(port)).toBe(false);
  }, 180_000);
});
