import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';

/**
 * Stops taking requests on SIGTERM/SIGINT, lets the ones in flight finish
 * (their keep-alive connections are closed behind them), then closes the
 * application (database, Redis) and exits 0; after `timeoutMs` it exits 1.
 */
export class GracefulShutdown {
  private readonly logger = new Logger('Shutdown');
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | null = null;

  /** Counts requests in flight; while draining, answers with `Connection: close`. */
  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    this.inFlight++;
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    });
    next();
  };

  listen(app: INestApplication, timeoutMs: number): void {
    const onSignal = (signal: NodeJS.Signals) => {
      void this.shutdown(app, signal, timeoutMs);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  private async shutdown(app: INestApplication, signal: string, timeoutMs: number): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.logger.log({ msg: 'shutting down', signal, inFlight: this.inFlight });
    const force = setTimeout(() => {
      this.logger.error({ msg: 'shutdown timed out', inFlight: this.inFlight });
      process.exit(1);
    }, timeoutMs);
    force.unref();
    // A request a client has already sent may not be ours yet. Node accepts one connection per turn
    // of the event loop, so on a busy loop connections wait in the kernel's accept queue, and closing
    // the listener resets them; and server.close() drops accepted connections whose request is still
    // unread. So keep accepting until a few turns bring no new connection (bounded), then close.
    const server = app.getHttpServer() as Server;
    const accepted = await drainAcceptQueue(server, Math.min(timeoutMs / 2, MAX_ACCEPT_DRAIN_MS));
    this.logger.log({ msg: 'listener closing', acceptedWhileDraining: accepted, inFlight: this.inFlight });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    server.closeIdleConnections();
    await closed;
    await app.close();
    this.logger.log({ msg: 'stopped' });
    clearTimeout(force);
    process.exit(0);
  }
}

const MAX_ACCEPT_DRAIN_MS = 5_000;
const QUIET_TURNS = 3;

/**
 * Turns the event loop until QUIET_TURNS turns in a row accepted no
 * connection (the accept queue is empty and the last requests are read), or
 * `maxMs` passed; returns how many connections were accepted meanwhile.
 */
async function drainAcceptQueue(server: Server, maxMs: number): Promise<number> {
  let accepted = 0;
  const onConnection = () => accepted++;
  server.on('connection', onConnection);
  const deadline = Date.now() + maxMs;
  try {
    for (let quiet = 0; quiet < QUIET_TURNS && Date.now() < deadline;) {
      const before = accepted;
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = accepted === before ? quiet + 1 : 0;
    }
  } finally {
    server.off('connection', onConnection);
  }
  return accepted;
}
