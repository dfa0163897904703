/**
 * Drives the redirect flow like a browser without one: start at the service,
 * let the emulator answer the authorize request at once (`emulator_auto`),
 * and carry the state cookie back to the callback. Redirects are followed by
 * hand so each hop can be inspected.
 */
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type request from 'supertest';
import { SOCIAL_PROVIDERS, type SocialProvider } from '../../src/oauth/providers/index.js';
import { EMULATOR_STARTERS, type EmulatorUser, type OAuthEmulator } from '../emulators/index.js';
import type { TestApp } from './test-app.js';

/** Booting the app and the emulators on two shared cores can take longer than Jest's 5 s. */
export const BOOT_TIMEOUT_MS = 60_000;

export type Provider = SocialProvider;
export const PROVIDERS: Provider[] = [...SOCIAL_PROVIDERS];

export const FRONTEND = 'http://localhost:3000/oauth-redirect';
export const callbackUrl = (provider: Provider) => `http://localhost:8080/login/oauth2/code/${provider}`;
export const KAKAO_ALIAS_CALLBACK = 'http://localhost:8080/api/auth/kakao/callback';
export const clientId = (provider: Provider) => `${provider}-client-id-123`;
export const clientSecret = (provider: Provider) => `${provider}-client-secret`;
export const KAKAO_APP_ID = 424242;

export type Emulators = Record<Provider, OAuthEmulator>;

/** One emulator per provider, each with this service registered as a client. */
export async function startEmulators(): Promise<Emulators> {
  const entries = await Promise.all(
    PROVIDERS.map(async (provider) => {
      const emulator = await EMULATOR_STARTERS[provider]();
      emulator.registerClient({
        clientId: clientId(provider),
        clientSecret: clientSecret(provider),
        redirectUris: provider === 'kakao' ? [callbackUrl(provider), KAKAO_ALIAS_CALLBACK] : [callbackUrl(provider)],
        appId: provider === 'kakao' ? KAKAO_APP_ID : undefined,
      });
      return [provider, emulator] as const;
    }),
  );
  return Object.fromEntries(entries) as Emulators;
}

export async function closeEmulators(emulators: Emulators | undefined): Promise<void> {
  if (emulators) await Promise.all(PROVIDERS.map((provider) => emulators[provider].close()));
}

/** The service's environment pointing every provider at its emulator. */
export function emulatorEnv(emulators: Emulators): Record<string, string> {
  const env: Record<string, string> = { KAKAO_APP_ID: String(KAKAO_APP_ID) };
  for (const provider of PROVIDERS) {
    const P = provider.toUpperCase();
    const { urls } = emulators[provider];
    env[`${P}_CLIENT_ID`] = clientId(provider);
    env[`${P}_CLIENT_SECRET`] = clientSecret(provider);
    env[`${P}_AUTHORIZATION_URI`] = urls.authorization;
    env[`${P}_TOKEN_URI`] = urls.token;
    env[`${P}_USER_INFO_URI`] = urls.userInfo;
  }
  env.KAKAO_TOKEN_INFO_URI = emulators.kakao.urls.tokenInfo ?? '';
  env.GITHUB_EMAILS_URI = emulators.github.urls.emails ?? '';
  return env;
}

let userSeq = 0;
/** A provider user with a unique id and email. */
export function providerUser(overrides: Partial<EmulatorUser> = {}): EmulatorUser & { id: string } {
  userSeq += 1;
  const id = `${Date.now() % 1_000_000}${String(userSeq).padStart(4, '0')}`;
  return {
    email: `social-${id}@example.com`,
    nickname: `소셜${userSeq}`,
    name: `이름${userSeq}`,
    ...overrides,
    id: overrides.id === undefined ? id : String(overrides.id),
  };
}

/** The `name=value` of the state cookie a response set. */
export function stateCookie(res: request.Response): string {
  const header = res.headers['set-cookie'] as unknown;
  const cookies = Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
  const cookie = cookies.find((c) => c.startsWith('oauth2_state='));
  if (!cookie) throw new Error(`no state cookie in ${JSON.stringify(cookies)}`);
  return cookie.split(';')[0];
}

export interface Started {
  res: request.Response;
  /** The provider's authorize URL the service redirected to. */
  authorizeUrl: URL;
  state: string;
  cookie: string;
}

/** GET the start URL; the service answers 302 to the provider with a state and a cookie. */
export async function start(t: TestApp, path: string, cookie?: string): Promise<Started> {
  const req = t.http.get(path);
  if (cookie) req.set('Cookie', cookie);
  const res = await req;
  if (res.status !== 302) throw new Error(`start ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  const authorizeUrl = new URL(String(res.headers.location));
  return { res, authorizeUrl, state: authorizeUrl.searchParams.get('state') ?? '', cookie: stateCookie(res) };
}

/** The emulator's answer to the authorize request: the redirect back to the service's callback. */
export async function authorize(
  authorizeUrl: URL,
  options: { action?: 'accept' | 'cancel'; user?: string; rewrite?: (url: URL) => void } = {},
): Promise<URL> {
  const url = new URL(authorizeUrl);
  url.searchParams.set('emulator_auto', options.action ?? 'accept');
  if (options.user !== undefined) url.searchParams.set('emulator_user', options.user);
  options.rewrite?.(url);
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize: ${res.status} ${await res.text()}`);
  return new URL(location);
}

/** GET the callback (path and query of the URL the provider redirected to) with the cookie. */
export async function callback(t: TestApp, url: URL, cookie?: string): Promise<request.Response> {
  const req = t.http.get(url.pathname + url.search);
  if (cookie) req.set('Cookie', cookie);
  return req;
}

/** Where the service finally sent the browser. */
export function landing(res: request.Response): URL {
  if (res.status !== 302) throw new Error(`expected a redirect, got ${res.status} ${JSON.stringify(res.body)}`);
  return new URL(String(res.headers.location));
}

/** A whole login: start, consent as `user`, callback. Returns the final redirect. */
export async function login(t: TestApp, provider: Provider, user: string, startPath?: string): Promise<URL> {
  const started = await start(t, startPath ?? `/oauth2/authorization/${provider}`);
  const back = await authorize(started.authorizeUrl, { user });
  return landing(await callback(t, back, started.cookie));
}

/** Asserts a failure redirect to the frontend and returns its parameters. */
export function expectFailureRedirect(url: URL, errorCode: string, providerError?: string): URLSearchParams {
  const params = url.searchParams;
  expect({
    target: url.origin + url.pathname,
    error: params.get('error'),
    providerError: params.get('providerError') ?? undefined,
  }).toEqual({ target: FRONTEND, error: errorCode, providerError });
  expect(params.get('traceId')).toMatch(/^[0-9a-f]{32}$/);
  expect(params.get('accessToken')).toBeNull();
  return params;
}

/** Records what the service logs through Nest's Logger while a test runs. */
export function captureLogs(): { lines: Record<string, unknown>[]; restore: () => void } {
  const lines: Record<string, unknown>[] = [];
  const spies = (['log', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown) {
      if (typeof message === 'object' && message !== null)
        lines.push({ level, ...(message as Record<string, unknown>) });
      else lines.push({ level, msg: String(message) });
    }),
  );
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
