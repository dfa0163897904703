import { Writable } from 'node:stream';
import { chooseLogFormat, createRootLogger } from './logger.js';

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
