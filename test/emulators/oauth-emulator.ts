/**
 * Shared core of the local OAuth2 provider emulators (Kakao, Google, GitHub, Naver).
 *
 * The base class owns the whole authorization-code flow: the HTTP server, body parsing,
 * request log, users and clients, the consent page, the code store (single use, 10 minutes,
 * bound to client_id / redirect_uri / PKCE challenge), access tokens and the "down" switch.
 * A provider subclass only supplies a {@link ProviderSpec} (paths and protocol quirks) and
 * the response shapes: consent-cancel query, authorize error pages, token errors/success and
 * its API routes (user info, token info, emails).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface EmulatorUser {
  id: string | number;
  email?: string;
  /** Default true. */
  emailVerified?: boolean;
  nickname?: string;
  name?: string;
  /** Default true. false = the user did not agree to share the email address. */
  consentEmail?: boolean;
}

export interface EmulatorClient {
  clientId: string;
  /** When set, the token endpoint requires exactly this secret. */
  clientSecret?: string;
  /** Exact-match list of allowed redirect URIs. */
  redirectUris: string[];
  /** Numeric app id (Kakao `access_token_info.app_id`). Auto-assigned when omitted. */
  appId?: number;
}

export interface EmulatorOptions {
  clients?: EmulatorClient[];
  users?: EmulatorUser[];
  /** Skip the consent page: redirect at once as if the user clicked accept (true) or cancel. */
  autoConsent?: boolean | 'accept' | 'cancel';
  /** Clock in epoch milliseconds (code / token expiry). Default Date.now. */
  now?: () => number;
  /** Send `iss=<issuer>` with every authorization response (RFC 9207), as providers that support it do. */
  issuer?: string;
}

export interface EmulatorUrls {
  authorization: string;
  token: string;
  userInfo: string;
  tokenInfo?: string;
  emails?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  bodyType: 'none' | 'form' | 'json' | 'other';
  /** Parsed form or JSON body (scalar values as strings); {} otherwise. */
  body: Record<string, string>;
}

export interface AccessGrant {
  accessToken: string;
  refreshToken: string;
  userId: string;
  clientId: string;
  scopes: string[];
  issuedAt: number;
  /** Epoch ms; Infinity for tokens that never expire (GitHub OAuth apps). */
  expiresAt: number;
  nonce?: string;
}

/** What the emulator answers; build with {@link json}, {@link html}, {@link text}, {@link redirect}. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type AuthorizeErrorKind = 'unknown_client' | 'redirect_mismatch' | 'invalid_request';

export interface AuthorizeErrorContext {
  clientId: string;
  client?: EmulatorClient;
  state?: string;
  /** Human readable detail, e.g. "Missing required parameter: scope". */
  message: string;
}

export type TokenErrorKind =
  | 'unknown_client'
  | 'bad_secret'
  | 'unsupported_grant_type'
  | 'bad_code'
  | 'redirect_mismatch'
  | 'state_mismatch'
  | 'pkce_missing'
  | 'pkce_failed'
  | 'pkce_unexpected';

export interface TokenErrorContext {
  clientId: string;
  code: string;
  req: RecordedRequest;
}

export interface ApiRoute {
  path: string;
  methods: readonly string[];
  handle(req: RecordedRequest): Reply;
}

/** Per-provider protocol differences the base flow needs to know about. */
export interface ProviderSpec {
  displayName: string;
  paths: {
    authorization: string;
    token: string;
    userInfo: string;
    tokenInfo?: string;
    emails?: string;
  };
  tokenMethods: readonly string[];
  /** Token params may come in the query string (Naver). */
  tokenParamsInQuery: boolean;
  /** Token endpoint accepts a JSON body besides form encoding. */
  acceptsJsonBody: boolean;
  /** Client credentials may come as HTTP Basic. */
  basicClientAuth: boolean;
  /** grant_type=authorization_code must be sent (GitHub does not need it). */
  requireGrantType: boolean;
  /** Authorize without redirect_uri falls back to the first registered one (GitHub). */
  defaultRedirectUri: boolean;
  /** redirect_uri at the token endpoint: must equal the authorize one / checked if sent / not looked at. */
  redirectUriAtToken: 'required' | 'optional' | 'ignored';
  /** Token request must repeat the authorize `state` (Naver). */
  stateAtToken: boolean;
  pkce: boolean;
  /** code_verifier sent although no challenge was given is an error (Google). */
  rejectUnexpectedVerifier: boolean;
  /** Authorize params that must be present and non-empty (e.g. response_type, scope, state). */
  requiredAuthorizeParams: readonly string[];
  /** Access-token lifetime in seconds; undefined = never expires. */
  accessTokenTtl?: number;
  tokenPrefix: string;
  codePrefix: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export const CODE_TTL_MS = 10 * 60 * 1000;
const VERIFIER_FORMAT = /^[A-Za-z0-9\-._~]{43,128}$/;

export function json(status: number, value: unknown, contentType = 'application/json; charset=utf-8'): Reply {
  return {
    status,
    headers: { 'content-type': contentType },
    body: JSON.stringify(value),
  };
}

export function html(status: number, markup: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: markup,
  };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): Reply {
  return { status, headers: { 'content-type': contentType }, body };
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location }, body: '' };
}

/** `uri` + already-encoded `query`, respecting a query string the redirect URI may carry. */
export function appendQuery(uri: string, query: string): string {
  return uri + (uri.includes('?') ? '&' : '?') + query;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** Stable numeric id for providers whose ids are numbers (Kakao, GitHub). */
export function numericId(id: string | number): number {
  if (typeof id === 'number') return id;
  if (/^\d{1,15}$/.test(id)) return Number(id);
  return parseInt(createHash('sha256').update(id).digest('hex').slice(0, 12), 16);
}

/**
 * Bearer token from `Authorization: <scheme> X` (schemes case-insensitive), or `?<queryParam>=X` for an
 * API that still takes the query form. The emulated userinfo APIs take the header only, as standards-strict
 * providers do (RFC 6750 §2.3: the query form ends up in logs), so a client that sends the query form fails.
 */
export function bearerToken(
  req: RecordedRequest,
  schemes: readonly string[] = ['bearer'],
  queryParam?: string,
): string | undefined {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(req.headers.authorization ?? '');
  if (match && schemes.includes(match[1].toLowerCase())) return match[2];
  return queryParam ? req.query[queryParam] : undefined;
}

export function pkceMatches(verifier: string, challenge: string, method: string): boolean {
  if (!VERIFIER_FORMAT.test(verifier)) return false;
  const computed = method === 'S256' ? base64url(createHash('sha256').update(verifier).digest()) : verifier;
  return computed === challenge;
}

type Params = Record<string, string>;

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function flatten(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (!(k in out)) out[k] = v; // first value wins, like most servers
  return out;
}

function parseJsonObject(raw: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    }
    return out;
  } catch {
    return {};
  }
}

async function readRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  let bodyType: RecordedRequest['bodyType'] = rawBody ? 'other' : 'none';
  let body: Record<string, string> = {};
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    bodyType = 'form';
    body = flatten(new URLSearchParams(rawBody));
  } else if (contentType.startsWith('application/json')) {
    bodyType = 'json';
    body = parseJsonObject(rawBody);
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: flatten(url.searchParams),
    headers: req.headers,
    rawBody,
    bodyType,
    body,
  };
}

// ---------------------------------------------------------------------------------------------
// Base emulator
// ---------------------------------------------------------------------------------------------

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  auto?: 'accept' | 'cancel';
}

interface PendingConsent extends AuthorizationRequest {
  expiresAt: number;
}

interface CodeRecord extends AuthorizationRequest {
  userId: string;
  scopes: string[];
  expiresAt: number;
}

const OUTAGE_PAGE =
  '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n' +
  '<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n';

export abstract class OAuthEmulator {
  readonly clients = new Map<string, EmulatorClient>();
  readonly users = new Map<string, EmulatorUser>();
  readonly requests: RecordedRequest[] = [];
  baseUrl = '';

  protected abstract readonly spec: ProviderSpec;
  protected readonly now: () => number;

  private readonly server: Server;
  private readonly codes = new Map<string, CodeRecord>();
  private readonly pending = new Map<string, PendingConsent>();
  private readonly tokens = new Map<string, AccessGrant>();
  private readonly autoConsent?: 'accept' | 'cancel';
  private nextUserId?: string;
  private issuer?: string;
  private tokensRevoked = false;
  private down = false;
  private nextAppId = 100001;

  constructor(opts: EmulatorOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.autoConsent = opts.autoConsent === true ? 'accept' : opts.autoConsent || undefined;
    this.issuer = opts.issuer;
    for (const client of opts.clients ?? []) this.registerClient(client);
    for (const user of opts.users ?? []) this.addUser(user);
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch(() => res.destroy());
    });
  }

  // ----- provider hooks -----------------------------------------------------------------------

  /** Pre-encoded query (without state) appended to redirect_uri when the user clicks cancel. */
  protected abstract cancelQuery(): string;
  protected abstract authorizeError(kind: AuthorizeErrorKind, ctx: AuthorizeErrorContext): Reply;
  protected abstract tokenError(kind: TokenErrorKind, ctx: TokenErrorContext): Reply;
  protected abstract tokenSuccess(grant: AccessGrant, req: RecordedRequest): Reply;
  protected abstract apiRoutes(): ApiRoute[];
  /** Scopes the grant ends up with, given what was requested and what the user consented to. */
  protected grantScopes(requested: string[], _user: EmulatorUser): string[] {
    return requested;
  }
  /** Scopes for {@link issueAccessToken} (a token the app already holds). */
  protected defaultScopes(user: EmulatorUser): string[] {
    return this.grantScopes([], user);
  }
  /** Body of a `503` while {@link setDown} is on. */
  protected outage(): Reply {
    return html(503, OUTAGE_PAGE);
  }

  // ----- public API ---------------------------------------------------------------------------

  get urls(): EmulatorUrls {
    const { paths } = this.spec;
    const at = (p: string | undefined): string | undefined => (p === undefined ? undefined : this.baseUrl + p);
    return {
      authorization: this.baseUrl + paths.authorization,
      token: this.baseUrl + paths.token,
      userInfo: this.baseUrl + paths.userInfo,
      tokenInfo: at(paths.tokenInfo),
      emails: at(paths.emails),
    };
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  registerClient(client: EmulatorClient): void {
    this.clients.set(client.clientId, {
      ...client,
      appId: client.appId ?? this.nextAppId++,
    });
  }

  addUser(user: EmulatorUser): void {
    this.users.set(String(user.id), user);
  }

  /** User who logs in when the consent form does not choose one (sticky until changed). */
  setNextUser(id: string | number): void {
    if (!this.users.has(String(id))) throw new Error(`emulator: unknown user ${id}`);
    this.nextUserId = String(id);
  }

  setDown(down: boolean): void {
    this.down = down;
  }

  /** From now on, authorization responses carry `iss=<issuer>` (RFC 9207); undefined stops it. */
  setIssuer(issuer: string | undefined): void {
    this.issuer = issuer;
  }

  /**
   * While on, the APIs refuse every access token as the provider refuses a
   * revoked one (the user withdrew the app right after the code exchange),
   * each with its own error body.
   */
  setTokensRevoked(revoked: boolean): void {
    this.tokensRevoked = revoked;
  }

  /** A valid access token for `userId`, as if the app had obtained it earlier. */
  issueAccessToken(userId: string | number, clientId?: string): string {
    const user = this.users.get(String(userId));
    if (!user) throw new Error(`emulator: unknown user ${userId}`);
    const client = clientId ?? this.clients.keys().next().value ?? 'emulator-client';
    return this.issueGrant(String(userId), client, this.defaultScopes(user)).accessToken;
  }

  // ----- helpers for providers -----------------------------------------------------------------

  /** Live grant for an access token, or undefined if unknown / expired. */
  protected findGrant(token: string | undefined): AccessGrant | undefined {
    const grant = token === undefined || this.tokensRevoked ? undefined : this.tokens.get(token);
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  protected userOf(grant: AccessGrant): EmulatorUser {
    const user = this.users.get(grant.userId);
    if (!user) throw new Error(`emulator: user ${grant.userId} was removed`);
    return user;
  }

  // ----- HTTP plumbing -------------------------------------------------------------------------

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const recorded = await readRequest(req);
      this.requests.push(recorded);
      reply = this.down ? this.outage() : this.route(recorded);
    } catch (err) {
      reply = text(500, `emulator error: ${err instanceof Error ? err.stack : String(err)}`);
    }
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-length': Buffer.byteLength(reply.body),
    });
    res.end(reply.body);
  }

  private route(req: RecordedRequest): Reply {
    const { paths, tokenMethods } = this.spec;
    if (req.path === paths.authorization) {
      if (req.method === 'GET') return this.authorize(req);
      if (req.method === 'POST') return this.consentSubmitted(req);
      return text(405, 'Method Not Allowed');
    }
    if (req.path === paths.token) {
      return tokenMethods.includes(req.method) ? this.token(req) : text(405, 'Method Not Allowed');
    }
    const route = this.apiRoutes().find((r) => r.path === req.path);
    if (!route) return text(404, 'Not Found');
    return route.methods.includes(req.method) ? route.handle(req) : text(405, 'Method Not Allowed');
  }

  // ----- authorization endpoint ----------------------------------------------------------------

  private authorize(req: RecordedRequest): Reply {
    const q = req.query;
    const clientId = q.client_id ?? '';
    const client = this.clients.get(clientId);
    const fail = (kind: AuthorizeErrorKind, message: string): Reply =>
      this.authorizeError(kind, { clientId, client, state: q.state, message });

    if (!client) return fail('unknown_client', `Unknown client_id: ${clientId}`);
    const redirectUri = q.redirect_uri ?? (this.spec.defaultRedirectUri ? client.redirectUris[0] : undefined);
    if (redirectUri === undefined) return fail('invalid_request', 'Missing required parameter: redirect_uri');
    if (!client.redirectUris.includes(redirectUri))
      return fail('redirect_mismatch', `Unregistered redirect_uri: ${redirectUri}`);
    const missing = this.spec.requiredAuthorizeParams.find((p) => !q[p]);
    if (missing) return fail('invalid_request', `Missing required parameter: ${missing}`);
    if (q.response_type !== undefined && q.response_type !== 'code') {
      return fail('invalid_request', `Unsupported response_type: ${q.response_type}`);
    }
    const withPkce = this.spec.pkce && q.code_challenge !== undefined;
    const method = q.code_challenge_method ?? 'plain';
    if (withPkce && method !== 'S256' && method !== 'plain') {
      return fail('invalid_request', `Unsupported code_challenge_method: ${method}`);
    }

    const auto = q.emulator_auto === 'accept' || q.emulator_auto === 'cancel' ? q.emulator_auto : this.autoConsent;
    const request: AuthorizationRequest = {
      clientId,
      redirectUri,
      state: q.state,
      scopes: (q.scope ?? '').split(/[\s,]+/).filter(Boolean),
      codeChallenge: withPkce ? q.code_challenge : undefined,
      codeChallengeMethod: withPkce ? method : undefined,
      nonce: q.nonce,
    };
    if (auto) return this.finishConsent(request, auto === 'accept', q.emulator_user);

    const tx = randomToken('', 16);
    this.pending.set(tx, { ...request, expiresAt: this.now() + CODE_TTL_MS });
    return html(200, this.consentPage(tx, request));
  }

  private consentSubmitted(req: RecordedRequest): Reply {
    const pending = this.pending.get(req.body.tx ?? '');
    if (!pending || pending.expiresAt <= this.now())
      return html(400, '<h1>400 Bad Request</h1><p>Consent session expired.</p>');
    this.pending.delete(req.body.tx);
    return this.finishConsent(pending, req.body.action === 'accept', req.body.user_id);
  }

  private finishConsent(request: AuthorizationRequest, accepted: boolean, chosenUserId?: string): Reply {
    const issQuery = this.issuer === undefined ? '' : `&iss=${encodeURIComponent(this.issuer)}`;
    const stateQuery = (request.state === undefined ? '' : `&state=${encodeURIComponent(request.state)}`) + issQuery;
    if (!accepted) return redirect(appendQuery(request.redirectUri, this.cancelQuery() + stateQuery));

    const userId = chosenUserId ?? this.nextUserId ?? this.users.keys().next().value;
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (!user || userId === undefined) return text(500, 'emulator: no user to log in; call addUser() first');

    const code = randomToken(this.spec.codePrefix, 24);
    this.codes.set(code, {
      ...request,
      userId,
      scopes: this.grantScopes(request.scopes, user),
      expiresAt: this.now() + CODE_TTL_MS,
    });
    return redirect(appendQuery(request.redirectUri, `code=${encodeURIComponent(code)}${stateQuery}`));
  }

  private consentPage(tx: string, request: AuthorizationRequest): string {
    const users = [...this.users.entries()];
    const selected = this.nextUserId ?? users[0]?.[0];
    const options = users
      .map(([id, u]) => {
        const label = escapeHtml(`${u.nickname ?? u.name ?? id} <${u.email ?? 'no email'}>`);
        return `<option value="${escapeHtml(id)}"${id === selected ? ' selected' : ''}>${label}</option>`;
      })
      .join('');
    const selector =
      users.length > 1
        ? `<label for="consent-user">계정</label> <select id="consent-user" name="user_id">${options}</select>`
        : '';
    const scopes = request.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
    return `<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>${escapeHtml(this.spec.displayName)} 로그인 - 동의</title></head>
<body>
<h1>${escapeHtml(this.spec.displayName)}</h1>
<p><strong>${escapeHtml(request.clientId)}</strong> 앱이 다음 정보에 접근하려고 합니다.</p>
<ul>${scopes}</ul>
<form method="post" action="${escapeHtml(this.spec.paths.authorization)}">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
${selector}
<button type="submit" id="consent-accept" name="action" value="accept">동의하고 계속하기</button>
<button type="submit" id="consent-cancel" name="action" value="cancel">취소</button>
</form>
</body></html>`;
  }

  // ----- token endpoint ------------------------------------------------------------------------

  private tokenParams(req: RecordedRequest): Params {
    const body = req.bodyType === 'form' || (req.bodyType === 'json' && this.spec.acceptsJsonBody) ? req.body : {};
    return this.spec.tokenParamsInQuery ? { ...req.query, ...body } : body;
  }

  /** client_secret_basic (when the provider supports it) or client_id/client_secret params. */
  private clientCredentials(req: RecordedRequest, params: Params): { id: string; secret?: string } {
    const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (this.spec.basicClientAuth && colon >= 0) {
      return {
        id: formDecode(decoded.slice(0, colon)),
        secret: formDecode(decoded.slice(colon + 1)),
      };
    }
    return { id: params.client_id ?? '', secret: params.client_secret };
  }

  private token(req: RecordedRequest): Reply {
    const params = this.tokenParams(req);
    const creds = this.clientCredentials(req, params);
    const outcome = this.redeem(params, creds);
    if (typeof outcome === 'string') {
      return this.tokenError(outcome, { clientId: creds.id, code: params.code ?? '', req });
    }
    const grant = this.issueGrant(outcome.userId, outcome.clientId, outcome.scopes, outcome.nonce);
    return this.tokenSuccess(grant, req);
  }

  /** Validates a token request in the providers' order; the code record, or what is wrong. */
  private redeem(params: Params, creds: { id: string; secret?: string }): CodeRecord | TokenErrorKind {
    const { spec } = this;
    const client = this.clients.get(creds.id);
    if (!client) return 'unknown_client';
    if (client.clientSecret !== undefined && creds.secret !== client.clientSecret) return 'bad_secret';
    const grantType = params.grant_type;
    if (grantType !== 'authorization_code' && (spec.requireGrantType || grantType !== undefined)) {
      return 'unsupported_grant_type';
    }

    const record = this.codes.get(params.code ?? '');
    this.codes.delete(params.code ?? ''); // single use: any attempt past client auth burns the code
    if (!record || record.expiresAt <= this.now() || record.clientId !== client.clientId) {
      return 'bad_code';
    }

    const redirectUri = params.redirect_uri;
    const redirectChecked =
      spec.redirectUriAtToken === 'required' || (spec.redirectUriAtToken === 'optional' && redirectUri !== undefined);
    if (redirectChecked && redirectUri !== record.redirectUri) return 'redirect_mismatch';

    if (spec.stateAtToken && (params.state === undefined || params.state !== (record.state ?? params.state))) {
      return 'state_mismatch';
    }

    const verifier = params.code_verifier;
    if (spec.pkce && record.codeChallenge !== undefined) {
      if (verifier === undefined) return 'pkce_missing';
      const method = record.codeChallengeMethod ?? 'plain';
      if (!pkceMatches(verifier, record.codeChallenge, method)) return 'pkce_failed';
    } else if (verifier !== undefined && spec.rejectUnexpectedVerifier) {
      return 'pkce_unexpected';
    }
    return record;
  }

  private issueGrant(userId: string, clientId: string, scopes: string[], nonce?: string): AccessGrant {
    const issuedAt = this.now();
    const ttl = this.spec.accessTokenTtl;
    const grant: AccessGrant = {
      accessToken: randomToken(this.spec.tokenPrefix),
      refreshToken: randomToken(this.spec.tokenPrefix),
      userId,
      clientId,
      scopes,
      issuedAt,
      expiresAt: ttl === undefined ? Infinity : issuedAt + ttl * 1000,
      nonce,
    };
    this.tokens.set(grant.accessToken, grant);
    return grant;
  }
}
