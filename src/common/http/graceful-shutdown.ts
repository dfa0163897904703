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
    const server = app.getHttpServer() as Server;
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
