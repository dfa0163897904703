import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

/**
 * Work that runs after the answer has left (mails of SPEC §5): started on the
 * next turn of the event loop, inside the request's context so its log lines
 * carry the traceId; a failure is logged, never shown to the client. Closing
 * the application waits for what is still running, before the database and
 * the store close.
 */
@Injectable()
export class BackgroundTasks implements OnModuleDestroy {
  private readonly logger = new Logger('BackgroundTasks');
  private readonly running = new Set<Promise<void>>();

  run(name: string, task: () => Promise<void>): void {
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((error: unknown) => {
        this.logger.error({ msg: 'background task failed', task: name, cause: describe(error) });
      })
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Resolves once nothing is running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.idle();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
