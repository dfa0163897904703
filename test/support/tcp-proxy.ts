import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server (Redis, PostgreSQL), so a
 * test can make that server vanish and come back without touching it:
 * `refuse()` stops listening and cuts every connection (connects now fail
 * with ECONNREFUSED), `cut()` cuts the open connections but keeps accepting,
 * `restore()` listens again on the same port.
 */
export class TcpProxy {
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly target: { host: string; port: number };

  private constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  /** A proxy to `host:port` on a free loopback port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen(0);
    return proxy;
  }

  /** A proxy to the host and port of `url` (redis://…, postgres://…). */
  static forUrl(url: string, defaultPort: number): Promise<TcpProxy> {
    const parsed = new URL(url);
    return TcpProxy.start({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) });
  }

  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  get listening(): boolean {
    return this.server !== null;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        this.server = server;
        resolve();
      });
    });
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Cuts every open connection (both ends see a reset); new ones are still accepted. */
  cut(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  /** The server is gone: no new connection is accepted, the open ones are cut. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.cut();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The server is back, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.refuse();
  }
}
