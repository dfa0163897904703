// Verify cost of an HS256 access token with the popular JWT libraries, on this
// machine: the guard pays it on every request. `npm run bench:jwt`.
import { createSigner, createVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { Buffer } from 'node:buffer';
import { randomBytes, randomUUID } from 'node:crypto';

const secret = randomBytes(48).toString('base64url');
const key = Buffer.from(secret);
const now = Math.floor(Date.now() / 1000);
const claims = { sub: '12345', sid: randomUUID(), jti: randomUUID(), typ: 'access', iat: now, exp: now + 3600 };
const token = createSigner({ key: secret, algorithm: 'HS256' })(claims);

const fastUncached = createVerifier({ key: secret, algorithms: ['HS256'] });
const fastCached = createVerifier({ key: secret, algorithms: ['HS256'], cache: 10_000 });

const candidates = [
  ['jsonwebtoken 9 (what @nestjs/jwt wraps)', () => jsonwebtoken.verify(token, secret, { algorithms: ['HS256'] })],
  ['jose 6 (async)', () => jwtVerify(token, key, { algorithms: ['HS256'] })],
  ['fast-jwt 6, no cache', () => fastUncached(token)],
  ['fast-jwt 6, verified-token cache (used here)', () => fastCached(token)],
];

async function measure(fn, iterations) {
  for (let i = 0; i < 2_000; i++) await fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1e3 / iterations;
}

console.log(`node ${process.version}, HS256, one token verified repeatedly`);
console.log('| library | µs per verify |');
console.log('|---|---|');
for (const [name, fn] of candidates) {
  const us = await measure(fn, 20_000);
  console.log(`| ${name} | ${us.toFixed(2)} |`);
}
