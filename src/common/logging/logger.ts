import type { LoggerService } from '@nestjs/common';
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import { currentTraceId } from './request-context.js';

let stdout: pino.DestinationStream | undefined;

/**
 * Gathers whole lines and hands them to `sink` together, once they reach
 * `minLength` characters or have waited `flushMs`. sonic-boom can gather too
 * (its `minLength`), but it appends each line to one growing string and
 * measures that string's bytes again on every write (`Buffer.byteLength` of a
 * concatenated string copies it flat first): at 4 kB that was more than a
 * third of what a request's access-log line cost. Here a line is pushed onto
 * an array, and sonic-boom gets one string per batch and writes it at once
 * (minLength 0), retrying and reporting as it always does.
 */
export class LineBatch implements pino.DestinationStream {
  private lines: string[] = [];
  private length = 0;

  constructor(
    private readonly sink: {
      write(text: string): unknown;
      flush(done: (error?: Error) => void): void;
      flushSync(): void;
    },
    private readonly minLength: number,
    flushMs: number,
  ) {
    setInterval(() => this.flush(), flushMs).unref();
  }

  write(line: string): void {
    this.lines.push(line);
    this.length += line.length;
    if (this.length >= this.minLength) this.flush();
  }

  /**
   * Hands what is gathered to the sink; with `done` (pino's `logger.flush(cb)`), also asks the sink to
   * flush and calls `done` when it has.
   */
  flush(done?: (error?: Error) => void): void {
    if (this.lines.length > 0) {
      const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
      this.lines = [];
      this.length = 0;
      this.sink.write(text);
    }
    if (done) this.sink.flush(done);
  }

  /** Hands what is gathered to the sink and waits until the sink has written everything. */
  flushSync(): void {
    this.flush();
    this.sink.flushSync();
  }
}

/**
 * Standard output, shared by every logger of the process. Lines are gathered
 * up to 4 kB and written together (under load one write per ~15 lines, not
 * one each); a line waits at most 100 ms, and whatever is left is written
 * when the process exits.
 */
function stdoutDestination(): pino.DestinationStream {
  if (!stdout) {
    const batch = new LineBatch(pino.destination({ dest: 1, sync: true, minLength: 0 }), 4096, 100);
    process.once('exit', () => batch.flushSync());
    stdout = batch;
  }
  return stdout;
}

/** How log lines are written: `pretty` for a person at a terminal, `json` for a collector. */
export type LogFormat = 'json' | 'pretty';

/**
 * LOG_FORMAT `auto` (the default): pretty when standard output is a terminal
 * and NODE_ENV is not production, JSON otherwise (a pipe, a file, a container
 * log, production).
 */
export function chooseLogFormat(
  setting: 'auto' | LogFormat,
  stdoutIsTerminal: boolean,
  production: boolean,
): LogFormat {
  if (setting !== 'auto') return setting;
  return stdoutIsTerminal && !production ? 'pretty' : 'json';
}

/**
 * pino-pretty in this thread, written synchronously: no worker thread (a
 * transport's costs ~10 MB) and lines in order with the development banners.
 * Loaded only when asked for, so a JSON service never loads it.
 */
function prettyDestination(): pino.DestinationStream {
  const require = createRequire(import.meta.url);
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => pino.DestinationStream;
  return pretty({
    destination: 1,
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname,service,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
}

let lastMs = 0;
let lastTime = '';

/** pino's isoTime, formatted once per millisecond rather than once per line. */
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/**
 * Structured JSON logs. Every line written while a request is served carries
 * its traceId. Nothing here logs bodies, headers, tokens or codes.
 */
export function createRootLogger(
  level: string,
  format: LogFormat = 'json',
  destination: pino.DestinationStream = format === 'pretty' ? prettyDestination() : stdoutDestination(),
): Logger {
  return pino(
    {
      level,
      base: { service: 'auth' },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const traceId = currentTraceId();
        return traceId ? { traceId } : {};
      },
      // Secrets by their names. Not a bare `code`: that is also a failure's error code (ECONNREFUSED,
      // ETIMEDOUT, 23505), which a failure log must show.
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'accessToken',
          'refreshToken',
          'verificationCode',
          '*.verificationCode',
          'query.code',
          '*.query.code',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * The access log's logger: the root's settings and traceId, no redaction. Its
 * lines have fixed fields (method, path, status, ms), and redaction walks
 * every line it sees, which on a per-request line costs ~2 µs.
 */
export function createAccessLogger(root: Logger): Logger {
  return root.child({ context: 'HTTP' }, { redact: [] });
}

/** Adapts pino to Nest's LoggerService so framework messages are structured too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    // An object (e.g. the exception filter's { msg, route, cause }) keeps its fields; stringified it was "[object Object]".
    if (message instanceof Error) {
      // Spread, an Error gives nothing (its message and stack are not enumerable): the record was empty.
      this.logger.error({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger.error({ context, ...(trace ? { stack: trace } : {}), ...message });
    } else {
      this.logger.error({ context, stack: trace }, stringify(message));
    }
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string) {
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message });
    } else {
      this.logger[level]({ context }, stringify(message));
    }
  }
}

function stringify(message: unknown): string {
  return typeof message === 'string' ? message : String(message);
}
