/**
 * What the real-browser tests need around the service: the test SPA on its own
 * loopback origin, a known port for the service before it boots, and the
 * Chromium launch settings.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Debian's Chromium; playwright-core drives it (no browser download). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Upper bound of every single browser wait (navigation, selector, click). */
export const STEP_TIMEOUT_MS = 15_000;

export const SPA_DIR = fileURLToPath(new URL('./spa/', import.meta.url));
/** The built @pet-market/auth-client, which the SPA's pages import from /auth-client/. */
export const CLIENT_DIST_DIR = fileURLToPath(new URL('../../client/dist/', import.meta.url));
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/browser/', import.meta.url));

/** Routes of the SPA: its path → the file under spa/. Anything else is 404. */
const SPA_ROUTES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/oauth-redirect': 'oauth-redirect.html',
};

const escapeAttribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function listen(server: HttpServer | NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export interface SpaServer {
  /** The SPA's origin, e.g. http://127.0.0.1:41234 (no trailing slash): CORS_ORIGINS. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves spa/*.html on a random loopback port, with `{{SERVICE_URL}}`
 * replaced by the service's base URL (as a build would inline it), and the
 * built auth client under /auth-client/.
 */
export async function startSpaServer(serviceUrl: string): Promise<SpaServer> {
  const server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://spa.invalid').pathname;
    const file = SPA_ROUTES[path];
    const clientModule = /^\/auth-client\/([\w-]+\.js)$/.exec(path);
    if (req.method === 'GET' && clientModule) {
      readFile(CLIENT_DIST_DIR + clientModule[1], 'utf8').then(
        (source) => res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(source),
        () => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found'),
      );
      return;
    }
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    readFile(SPA_DIR + file, 'utf8').then(
      (markup) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(markup.replaceAll('{{SERVICE_URL}}', escapeAttribute(serviceUrl)));
      },
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(error.message),
    );
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * A loopback port for the service, taken before it boots: the service must
 * know its own callback URL ({P}_REDIRECT_URI) at start, and the provider
 * redirects the browser there, while startTestApp() listens on a random port.
 * Connections accepted here are handed to the app's own HTTP server once
 * attached (Node's documented `'connection'` injection), so the browser talks
 * to the real app, not a copy or a proxy.
 */
export class ServicePort {
  private target: HttpServer | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: NetServer,
    readonly url: string,
  ) {}

  static async open(): Promise<ServicePort> {
    const server = createNetServer();
    const port = await listen(server);
    const front = new ServicePort(server, `http://127.0.0.1:${port}`);
    server.on('connection', (socket: Socket) => {
      front.sockets.add(socket);
      socket.once('close', () => front.sockets.delete(socket));
      if (front.target) front.target.emit('connection', socket);
      else socket.destroy(); // nothing should connect before the app is up
    });
    return front;
  }

  attach(target: HttpServer): void {
    this.target = target;
  }

  /** Stops accepting and cuts what the app's own close() left open. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    return closed;
  }
}
