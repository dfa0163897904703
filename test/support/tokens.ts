import { createHmac } from 'node:crypto';
import type { TestApp } from './test-app.js';

/** The claims of one of our JWTs, read without verifying (tests only). */
export interface Claims {
  sub: string;
  sid: string;
  jti: string;
  typ: 'access' | 'refresh';
  iat: number;
  exp: number;
}

export function claimsOf(token: string): Claims {
  const payload = token.split('.')[1];
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with the given header and payload, and `signature` as its third part. */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  return `${base64url(header)}.${base64url(payload)}.${signature}`;
}

/** Signs exactly these claims (nothing added) with HS256 and the given secret, as the service would. */
export function signHs256(secret: string, payload: Record<string, unknown>): string {
  const unsigned = rawJwt({ alg: 'HS256', typ: 'JWT' }, payload).slice(0, -1);
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export function bearer(accessToken: string): { Authorization: string } {
  return { Authorization: `Bearer ${accessToken}` };
}

/** GET /api/auth/me answered 200 with this token. */
export async function works(t: TestApp, accessToken: string): Promise<boolean> {
  return (await t.http.get('/api/auth/me').set(bearer(accessToken))).status === 200;
}
