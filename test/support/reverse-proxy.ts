import { createProxyServer } from 'http-proxy-3';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real reverse proxy on loopback (http-proxy-3 with `xfwd`): like nginx's
 * `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`, it appends
 * the address of the peer it accepted to whatever X-Forwarded-For the client
 * sent, and forwards to `target`.
 */
export interface ReverseProxy {
  port: number;
  close(): Promise<void>;
}

export interface ReverseProxyOptions {
  /** The loopback address the proxy connects to the target from (default 127.0.0.1). */
  localAddress?: string;
}

export async function startReverseProxy(target: string, options: ReverseProxyOptions = {}): Promise<ReverseProxy> {
  const proxy = createProxyServer({ target, xfwd: true, localAddress: options.localAddress });
  const server: Server = createServer((req, res) => {
    proxy.web(req, res, {}, (error: Error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`proxy: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * One GET from a chosen loopback address (`from`, e.g. 127.0.0.2: all of
 * 127.0.0.0/8 is local), so a test can play several clients.
 */
export function getFrom(
  from: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'GET', localAddress: from, agent: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${path}: no answer in 15 s`)));
    req.end();
  });
}
