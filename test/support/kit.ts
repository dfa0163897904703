/**
 * The test kit: test files import what they need from here.
 *
 * What is where (all under test/support/):
 * - test-app.ts     `startTestApp`: the real app on a fresh database (PGlite, or PostgreSQL/Redis with
 *                   E2E_USE_REAL_SERVICES=1), a loopback SMTP sink, supertest checked against the OpenAPI document.
 * - use-test-app.ts `useTestApp(env?, options?)`: one app per describe (beforeAll/afterAll); the plain way to get one.
 * - accounts.ts     endpoint paths, unique emails and nicknames, sign-up, verification codes, log-in.
 * - errors.ts       SPEC §1 error answers: `expectError` (a response in hand), `expectFailure` (the whole envelope,
 *                   sent and timed), `validationFailed`, Retry-After, 503s, /health down, `tally`, and the SPEC's
 *                   messages (`STATUS_TEXT`, `FIELD_MESSAGE`) written out literally, so a changed message fails.
 * - rows.ts         what the database holds: `countRows` / `expectNoRowsWritten`, users, sessions, refresh tokens.
 * - tokens.ts       JWTs: `claimsOf`, hand-made and hand-signed tokens, `bearer`, `works`.
 * - time.ts         Asia/Seoul timestamps and dates, `letTimePass` (app clock and Redis), `eventually`, `median`.
 * - mail.ts         with smtp-sink.ts: the SMTP sink, codes and reset links from mails, waiting for mails sent after
 *                   an answer.
 * - oauth.ts        social login: the provider emulators as this service's clients, and the redirect flow by hand.
 * - openapi-validator.ts, tcp-proxy.ts, reverse-proxy.ts, built-service.ts: the response validator, a TCP proxy
 *                   that can cut a connection, a reverse proxy, and the built service run as a process.
 * - redis-prefix.ts `dropRedisPrefix`: a suite's keys out of the machine's Redis when it ends (startTestApp's
 *                   close does it for the prefixes it made).
 *
 * Not exported here: redis-topology.ts (spawns Redis Cluster and Sentinel servers for test/scale, and kills
 * them when the process exits) and preload-esm.ts (Jest's setup file). Kits of one suite stay beside it
 * (test/browser/*-kit.ts, test/oauth/oidc-provider-kit.ts, test/scale/redis-ha-support.ts).
 */
export * from './accounts.js';
export * from './built-service.js';
export * from './errors.js';
export * from './mail.js';
export * from './oauth.js';
export * from './openapi-validator.js';
export * from './redis-prefix.js';
export * from './reverse-proxy.js';
export * from './rows.js';
export * from './smtp-sink.js';
export * from './tcp-proxy.js';
export * from './test-app.js';
export * from './time.js';
export * from './tokens.js';
export * from './use-test-app.js';
