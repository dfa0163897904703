import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { chooseLogFormat, createRootLogger, LineBatch } from './logger.js';

/** A destination that keeps each JSON line written to it. */
function capture(): { stream: Writable; records: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createRootLogger redaction', () => {
  it('keeps a failure’s error code such as ECONNREFUSED', () => {
    const out = capture();
    const logger = createRootLogger('info', 'json', out.stream);

    logger.error({ msg: 'redis unreachable', code: 'ECONNREFUSED', cause: { code: 'ETIMEDOUT' } });

    expect(out.records()[0]).toMatchObject({
      msg: 'redis unreachable',
      code: 'ECONNREFUSED',
      cause: { code: 'ETIMEDOUT' },
    });
  });

  it('still hides passwords, tokens and verification codes', () => {
    const out = capture();
    const logger = createRootLogger('info', 'json', out.stream);

    logger.info({
      msg: 'request',
      password: 'hunter2hunter2',
      accessToken: 'a.b.c',
      refreshToken: 'd.e.f',
      verificationCode: '123456',
      body: { password: 'x', token: 'y', verificationCode: '654321' },
      query: { code: 'oauth-code' },
    });

    const [record] = out.records();
    expect(record).toMatchObject({
      password: '[redacted]',
      accessToken: '[redacted]',
      refreshToken: '[redacted]',
      verificationCode: '[redacted]',
      body: { password: '[redacted]', token: '[redacted]', verificationCode: '[redacted]' },
      query: { code: '[redacted]' },
    });
    expect(JSON.stringify(record)).not.toMatch(/hunter2|a\.b\.c|123456|654321|oauth-code/);
  });
});

describe('chooseLogFormat', () => {
  it.each([
    ['auto', true, false, 'pretty'],
    ['auto', false, false, 'json'],
    ['auto', true, true, 'json'],
    ['json', true, false, 'json'],
    ['pretty', false, true, 'pretty'],
  ] as const)('%s with a terminal %s and production %s gives %s', (setting, terminal, production, format) => {
    expect(chooseLogFormat(setting, terminal, production)).toBe(format);
  });
});

describe('LineBatch', () => {
  function sink() {
    const written: string[] = [];
    let flushedSync = 0;
    return {
      written,
      flushedSync: () => flushedSync,
      write: (text: string) => written.push(text),
      flush: (done: (error?: Error) => void) => done(),
      flushSync: () => {
        flushedSync++;
      },
    };
  }

  afterEach(() => {
    jest.useRealTimers();
  });

  it('hands lines over together, in order, once they reach the minimum length', () => {
    const out = sink();
    const batch = new LineBatch(out, 30, 100);

    batch.write('{"n":1}\n');
    batch.write('{"n":2}\n');
    batch.write('{"n":3}\n');
    expect(out.written).toEqual([]);
    batch.write('{"n":4}\n');

    expect(out.written).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n']);
  });

  it('hands a waiting line over within the flush period', () => {
    jest.useFakeTimers();
    const out = sink();
    const batch = new LineBatch(out, 4096, 100);

    batch.write('{"n":1}\n');
    jest.advanceTimersByTime(99);
    expect(out.written).toEqual([]);
    jest.advanceTimersByTime(1);

    expect(out.written).toEqual(['{"n":1}\n']);
  });

  it('writes what is left when flushed synchronously (the process is exiting)', () => {
    const out = sink();
    const batch = new LineBatch(out, 4096, 100);

    batch.write('{"n":1}\n');
    batch.write('{"n":2}\n');
    batch.flushSync();
    batch.flushSync();

    expect(out.written).toEqual(['{"n":1}\n{"n":2}\n']);
    expect(out.flushedSync()).toBe(2);
  });

  it("answers pino's logger.flush(callback) once the lines are handed over", async () => {
    const out = sink();
    const batch = new LineBatch(out, 4096, 100);
    const logger = createRootLogger('info', 'json', batch);

    logger.info({ msg: 'before exit' });
    await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));

    expect(out.written.join('')).toContain('"msg":"before exit"');
  });

  it('carries every line of a logger, whole', () => {
    const out = sink();
    const batch = new LineBatch(out, 200, 100);
    const logger = createRootLogger('info', 'json', batch);

    for (let i = 0; i < 10; i++) logger.info({ msg: 'request', i });
    batch.flushSync();

    const lines = out.written.join('').split('\n').filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.written.length).toBeGreaterThan(1);
  });
});
