import express from 'express';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { trustProxyVar } from '../../config/env.parsers.js';
import { accessLogMiddleware } from './access-log.middleware.js';

/** The access log records the client address TRUST_PROXY resolves, never a forged X-Forwarded-For entry. */
async function loggedAddress(trustProxy: string, forwardedFor: string): Promise<unknown> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.set('trust proxy', trustProxyVar({ TRUST_PROXY: trustProxy }, 'TRUST_PROXY'));
  app.use(accessLogMiddleware(pino({ level: 'info' }, sink)));
  app.get('/ping', (_req, res) => {
    res.end('ok');
  });
  await request(app).get('/ping').set('X-Forwarded-For', forwardedFor).expect(200);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ msg: 'request', method: 'GET', path: '/ping', status: 200 });
  return lines[0].ip;
}

describe('accessLogMiddleware', () => {
  it('logs the entry the trusted proxy appended (TRUST_PROXY=1)', async () => {
    expect(await loggedAddress('1', '1.2.3.4, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('logs the socket address and ignores the header (TRUST_PROXY=0)', async () => {
    expect(await loggedAddress('0', '1.2.3.4')).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });

  it('skips listed proxies from the right (TRUST_PROXY as a list)', async () => {
    expect(await loggedAddress('loopback,10.0.0.0/8', '1.2.3.4, 198.51.100.9, 10.1.2.3')).toBe('198.51.100.9');
  });
});
