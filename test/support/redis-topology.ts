import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Real Redis Cluster and Sentinel set-ups for the e2e suite, started from the
 * `redis-server` and `redis-cli` on PATH as child processes on loopback ports
 * in 17000–17099 (cluster bus ports 27000–27099), each in its own temporary
 * directory, and stopped (processes killed, directory removed) by `stop()` or,
 * failing that, when the test process exits.
 */
const run = promisify(execFile);
const HOST = '127.0.0.1';
const BUS_OFFSET = 10_000;
const WAIT_STEP_MS = 100;

/** Why the topology tests cannot run here, or null when they can. */
export function redisTopologyUnavailable(): string | null {
  if (process.env.E2E_USE_REAL_SERVICES !== '1') {
    return 'E2E_USE_REAL_SERVICES is not set (run `npm run test:e2e` with DATABASE_URL)';
  }
  if (!process.env.DATABASE_URL) return 'DATABASE_URL is not set';
  for (const binary of ['redis-server', 'redis-cli']) {
    if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).status !== 0) return `\`${binary}\` is not on PATH`;
  }
  return null;
}

const children = new Set<ChildProcess>();
const directories = new Set<string>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** `count` ports in [from, to] that are free now, with their bus port (+10000) free too when `bus`. */
async function freePorts(count: number, from: number, to: number, bus: boolean): Promise<number[]> {
  const ports: number[] = [];
  for (let port = from; port <= to && ports.length < count; port++) {
    if ((await portFree(port)) && (!bus || (await portFree(port + BUS_OFFSET)))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`fewer than ${count} free ports in ${from}-${to}`);
  return ports;
}

/** Runs redis-cli against one server; bounded in time. */
export async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 10_000 });
  return stdout.trim();
}

/** Polls `check` until it holds, for at most `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

export function info(text: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(text)?.[1]?.trim();
}

class Processes {
  readonly dir = mkdtempSync(join(tmpdir(), 'auth-redis-'));
  private readonly byPort = new Map<number, ChildProcess>();

  constructor() {
    directories.add(this.dir);
  }

  start(port: number, args: string[]): void {
    const child = spawn('redis-server', args, { cwd: this.dir, stdio: 'ignore' });
    children.add(child);
    child.once('exit', () => children.delete(child));
    this.byPort.set(port, child);
  }

  /** Kills one server at once (SIGKILL: a crash, nothing saved). */
  kill(port: number): void {
    this.byPort.get(port)?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const exits = [...this.byPort.values()]
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of this.byPort.values()) child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(exits), new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
    directories.delete(this.dir);
  }
}

const common = (port: number) => ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'];

export interface ClusterNode {
  port: number;
  id: string;
  role: 'master' | 'replica';
  masterId?: string;
}

/** Three masters, each with one replica, made into a cluster by `redis-cli --cluster create`. */
export class RedisClusterFixture {
  private constructor(
    private readonly processes: Processes,
    readonly ports: number[],
  ) {}

  /** REDIS_CLUSTER_NODES for the service: every node as a seed. */
  get seeds(): string {
    return this.ports.map((port) => `${HOST}:${port}`).join(',');
  }

  /** Free ports for a cluster of this size, to hand to `start` later. */
  static ports(masters = 3, replicasPerMaster = 1): Promise<number[]> {
    return freePorts(masters * (1 + replicasPerMaster), 17_000, 17_049, true);
  }

  /**
   * `beforeCreate` runs once every node answers but before `redis-cli --cluster create` assigns the
   * slots: a client that looks at the cluster then sees nodes that serve no slot.
   */
  static async start(
    masters = 3,
    replicasPerMaster = 1,
    given?: number[],
    beforeCreate?: (ports: number[]) => Promise<void>,
  ): Promise<RedisClusterFixture> {
    const processes = new Processes();
    const ports = given ?? (await RedisClusterFixture.ports(masters, replicasPerMaster));
    const fixture = new RedisClusterFixture(processes, ports);
    try {
      for (const port of ports) {
        processes.start(port, [
          ...common(port),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
          '--dir',
          processes.dir,
          '--daemonize',
          'no',
        ]);
      }
      for (const port of ports) await waitUntil(`redis ${port}`, async () => (await cli(port, 'PING')) === 'PONG');
      await beforeCreate?.(ports);
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...ports.map((port) => `${HOST}:${port}`),
          '--cluster-replicas',
          String(replicasPerMaster),
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
      await fixture.waitHealthy();
      return fixture;
    } catch (error) {
      await processes.stop();
      throw error;
    }
  }

  /** Every node says the cluster is ok and every replica is in sync with its master. */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      'cluster_state:ok on every node',
      async () => {
        for (const port of this.ports) {
          if (info(await cli(port, 'CLUSTER', 'INFO'), 'cluster_state') !== 'ok') return false;
        }
        return true;
      },
      timeoutMs,
    );
    await waitUntil(
      'every replica linked to its master',
      async () => {
        for (const node of await this.nodes()) {
          if (
            node.role === 'replica' &&
            info(await cli(node.port, 'INFO', 'replication'), 'master_link_status') !== 'up'
          )
            return false;
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** The cluster as one node sees it (CLUSTER NODES). */
  async nodes(): Promise<ClusterNode[]> {
    const text = await cli(this.ports[0], 'CLUSTER', 'NODES');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '' && !/\bfail\b/.test(line.split(' ')[2]))
      .map((line) => {
        const [id, address, flags, masterId] = line.split(' ');
        const port = Number(/:(\d+)@/.exec(address)?.[1]);
        return flags.includes('master')
          ? { port, id, role: 'master' as const }
          : { port, id, role: 'replica' as const, masterId };
      });
  }

  /** The port of the master serving `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    const slot = Number(await cli(this.ports[0], 'CLUSTER', 'KEYSLOT', key));
    const text = await cli(this.ports[0], 'CLUSTER', 'NODES');
    for (const line of text.split('\n')) {
      const parts = line.split(' ');
      if (!parts[2]?.includes('master')) continue;
      for (const range of parts.slice(8)) {
        const [start, end] = range.split('-').map(Number);
        if (slot >= start && slot <= (end ?? start)) return Number(/:(\d+)@/.exec(parts[1])?.[1]);
      }
    }
    throw new Error(`no master serves slot ${slot}`);
  }

  /**
   * A manual failover, as an operator runs it: the master's replica takes over
   * (CLUSTER FAILOVER on the replica), and the old master becomes its replica.
   * Returns the new master's port.
   */
  async failover(masterPort: number): Promise<number> {
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === masterPort && node.role === 'master');
    const replica = nodes.find((node) => node.role === 'replica' && node.masterId === master?.id);
    if (!replica) throw new Error(`no replica of ${masterPort}`);
    await cli(replica.port, 'CLUSTER', 'FAILOVER');
    await waitUntil(
      `${replica.port} to be master`,
      async () => info(await cli(replica.port, 'INFO', 'replication'), 'role') === 'master',
    );
    await this.waitHealthy();
    return replica.port;
  }

  /** Kills a master and its replicas at once: the shard's slots are left unserved. */
  async killShard(masterPort: number): Promise<void> {
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === masterPort && node.role === 'master');
    if (!master) throw new Error(`${masterPort} is not a master`);
    for (const node of nodes) if (node === master || node.masterId === master.id) this.processes.kill(node.port);
  }

  stop(): Promise<void> {
    return this.processes.stop();
  }
}

/** A master, one replica and three sentinels (quorum 2) watching them under one name. */
export class RedisSentinelFixture {
  readonly name = 'authmaster';

  private constructor(
    private readonly processes: Processes,
    readonly dataPorts: number[],
    readonly sentinelPorts: number[],
  ) {}

  /** REDIS_SENTINELS for the service. */
  get sentinels(): string {
    return this.sentinelPorts.map((port) => `${HOST}:${port}`).join(',');
  }

  /** Free ports for a master, a replica and three sentinels, to hand to `start` later. */
  static ports(): Promise<number[]> {
    return freePorts(5, 17_050, 17_099, false);
  }

  static async start(given?: number[]): Promise<RedisSentinelFixture> {
    const processes = new Processes();
    const [master, replica, ...sentinels] = given ?? (await RedisSentinelFixture.ports());
    const fixture = new RedisSentinelFixture(processes, [master, replica], sentinels);
    try {
      processes.start(master, [...common(master), '--dir', processes.dir]);
      processes.start(replica, [...common(replica), '--dir', processes.dir, '--replicaof', HOST, String(master)]);
      for (const port of [master, replica])
        await waitUntil(`redis ${port}`, async () => (await cli(port, 'PING')) === 'PONG');
      for (const port of sentinels) {
        const file = join(processes.dir, `sentinel-${port}.conf`);
        writeFileSync(
          file,
          [
            `port ${port}`,
            `bind ${HOST}`,
            `dir ${processes.dir}`,
            `sentinel monitor ${fixture.name} ${HOST} ${master} 2`,
            `sentinel down-after-milliseconds ${fixture.name} 1000`,
            `sentinel failover-timeout ${fixture.name} 10000`,
            `sentinel parallel-syncs ${fixture.name} 1`,
            '',
          ].join('\n'),
        );
        processes.start(port, [file, '--sentinel']);
      }
      await fixture.waitHealthy(master);
      return fixture;
    } catch (error) {
      await processes.stop();
      throw error;
    }
  }

  /** The master's port as the sentinels report it. */
  async masterPort(): Promise<number> {
    const reply = await cli(this.sentinelPorts[0], 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name);
    return Number(reply.split('\n')[1]);
  }

  /** Every sentinel names `master`, sees the replica and the other sentinels; the replica is in sync. */
  async waitHealthy(master: number, timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      `sentinels to agree on ${master}, with a replica and each other`,
      async () => {
        for (const port of this.sentinelPorts) {
          const reply = await cli(port, 'SENTINEL', 'MASTER', this.name);
          const fields = reply.split('\n');
          const field = (name: string) => fields[fields.indexOf(name) + 1];
          if (Number(field('port')) !== master) return false;
          if (Number(field('num-slaves')) < 1 || Number(field('num-other-sentinels')) < this.sentinelPorts.length - 1)
            return false;
          if (/o_down|s_down/.test(field('flags'))) return false;
        }
        return true;
      },
      timeoutMs,
    );
    await this.waitReplicated(master, timeoutMs);
  }

  /** SENTINEL FAILOVER: the replica is promoted, the old master follows it. Returns the new master's port. */
  async failover(): Promise<number> {
    const before = await this.masterPort();
    await cli(this.sentinelPorts[0], 'SENTINEL', 'FAILOVER', this.name);
    await waitUntil('the sentinels to promote the replica', async () => (await this.masterPort()) !== before);
    const after = await this.masterPort();
    await waitUntil(
      `${after} to act as master`,
      async () => info(await cli(after, 'INFO', 'replication'), 'role') === 'master',
    );
    return after;
  }

  /**
   * An unplanned failover: the master is killed (SIGKILL), the sentinels see it
   * down after 1 s and promote the replica. Returns the new master's port.
   */
  async killMaster(): Promise<number> {
    const before = await this.masterPort();
    this.processes.kill(before);
    await waitUntil('the sentinels to promote the replica', async () => (await this.masterPort()) !== before, 60_000);
    const after = await this.masterPort();
    await waitUntil(
      `${after} to act as master`,
      async () => info(await cli(after, 'INFO', 'replication'), 'role') === 'master',
    );
    return after;
  }

  /** Kills the master and the replica: nothing is left to promote. */
  killDataNodes(): void {
    for (const port of this.dataPorts) this.processes.kill(port);
  }

  /** Waits until the replica has every write the master (by default the sentinels' one) has. */
  async waitReplicated(master?: number, timeoutMs = 30_000): Promise<void> {
    const primary = master ?? (await this.masterPort());
    const replica = this.dataPorts.find((port) => port !== primary)!;
    await waitUntil(
      `replica ${replica} in sync with ${primary}`,
      async () => {
        const [ours, theirs] = await Promise.all([
          cli(primary, 'INFO', 'replication'),
          cli(replica, 'INFO', 'replication'),
        ]);
        return (
          info(theirs, 'master_link_status') === 'up' &&
          info(theirs, 'master_repl_offset') === info(ours, 'master_repl_offset')
        );
      },
      timeoutMs,
    );
  }

  stop(): Promise<void> {
    return this.processes.stop();
  }
}
