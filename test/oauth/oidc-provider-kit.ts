/**
 * panva's oidc-provider (a certified OpenID Provider) on a loopback port,
 * standing in for Google: real authorization, PKCE, client authentication,
 * consent, RFC 9207 `iss`, and a userinfo endpoint that refuses a token in
 * the query string. Only the interaction pages (login and consent) are ours,
 * written as oidc-provider's own examples write them, and driven over HTTP
 * with cookies the way a browser submits them.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';

export type TokenAuthMethod = 'client_secret_post' | 'client_secret_basic';

export interface OpClient {
  clientId: string;
  clientSecret: string;
  authMethod: TokenAuthMethod;
  redirectUri: string;
}

export interface OpAccount {
  sub: string;
  email: string;
  name: string;
}

/** A request as it reached the provider. */
export interface OpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** How a token request authenticated, as oidc-provider read it. */
export interface OpTokenRequest {
  clientId: string | undefined;
  /** `Authorization: Basic …` was sent. */
  basic: boolean;
  /** `client_secret` was in the form body. */
  secretInBody: boolean;
  status: number;
}

export interface OpUrls {
  authorization: string;
  token: string;
  userInfo: string;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export class TestOpenIdProvider {
  readonly requests: OpRequest[] = [];
  readonly tokenRequests: OpTokenRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly provider: Provider,
    readonly urls: OpUrls,
    /** The accounts findAccount reads. */
    private readonly accounts: Map<string, OpAccount>,
  ) {}

  get issuer(): string {
    return this.provider.issuer;
  }

  /** Starts on 127.0.0.1:<random> with these clients; PKCE (S256) required for all. */
  static async start(clients: OpClient[]): Promise<TestOpenIdProvider> {
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const accounts = new Map<string, OpAccount>();
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const provider = new Provider(issuer, {
      clients: clients.map((client): ClientMetadata => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        token_endpoint_auth_method: client.authMethod,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      })),
      jwks: { keys: [{ ...jwk, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: ['oidc-provider-test-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      pkce: { required: () => true },
      // Explicit lifetimes (seconds), so the provider does not note the defaults on every test run.
      ttl: { AuthorizationCode: 600, AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600 },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: (_ctx, id) => {
        const account = accounts.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name }),
        };
      },
    });

    const koa = provider.callback();
    handle = (req, res) => void koa(req, res);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const op = new TestOpenIdProvider(
      server,
      provider,
      {
        authorization: String(discovery.authorization_endpoint),
        token: String(discovery.token_endpoint),
        userInfo: String(discovery.userinfo_endpoint),
      },
      accounts,
    );

    provider.use(async (ctx, next) => {
      await next();
      // Undefined on requests oidc-provider did not route.
      const oidc: KoaContextWithOIDC['oidc'] | undefined = ctx.oidc;
      if (oidc?.route === 'token') {
        const params = oidc.params;
        op.tokenRequests.push({
          clientId: oidc.client?.clientId,
          basic: /^basic /i.test(ctx.get('authorization')),
          secretInBody: typeof params?.client_secret === 'string',
          status: ctx.status,
        });
      }
    });
    handle = (req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      op.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers });
      if (url.pathname.startsWith('/interaction/')) {
        op.interaction(req, res, url.pathname).catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        });
        return;
      }
      void koa(req, res);
    };
    return op;
  }

  addAccount(account: OpAccount): void {
    this.accounts.set(account.sub, account);
  }

  /** The account no longer exists: tokens issued to it are refused from now on. */
  removeAccount(sub: string): void {
    this.accounts.delete(sub);
  }

  /** Requests that reached a path, e.g. the token or userinfo endpoint. */
  requestsTo(url: string): OpRequest[] {
    const path = new URL(url).pathname;
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /**
   * The login and consent pages, as in oidc-provider's example: GET shows the
   * prompt (as JSON here), POST …/login signs an account in, …/confirm grants
   * what the client asked, …/abort refuses.
   */
  private async interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const [, , uid, action] = path.split('/');
    const details = await this.provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction cookie of another interaction');
    if (req.method === 'GET' && action === undefined) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ uid, prompt: details.prompt.name, client: details.params.client_id }));
      return;
    }
    if (req.method !== 'POST') throw new Error(`no ${req.method} ${path}`);
    const form = await formBody(req);
    switch (action) {
      case 'login': {
        const sub = form.get('login') ?? '';
        if (!this.accounts.has(sub)) throw new Error(`unknown account ${sub}`);
        await this.provider.interactionFinished(
          req,
          res,
          { login: { accountId: sub } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      case 'confirm': {
        const accountId = details.session?.accountId;
        const clientId = details.params.client_id;
        if (typeof accountId !== 'string' || typeof clientId !== 'string') throw new Error('consent before login');
        const grant = details.grantId
          ? await this.provider.Grant.find(details.grantId)
          : new this.provider.Grant({ accountId, clientId });
        if (!grant) throw new Error('grant of the interaction not found');
        const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const grantId = await grant.save();
        await this.provider.interactionFinished(
          req,
          res,
          { consent: details.grantId ? {} : { grantId } },
          { mergeWithLastSubmission: true },
        );
        return;
      }
      case 'abort':
        await this.provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
        return;
      default:
        throw new Error(`no interaction action ${String(action)}`);
    }
  }
}

/** A browser's cookie jar, enough for one provider origin (names only, no paths). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * A user at the provider: follows the redirects from the authorization URL,
 * signs in as `login` and grants or refuses consent on the pages, until the
 * provider sends the browser back to `callbackPrefix`. Returns that URL.
 */
export async function authorizeAtProvider(
  op: TestOpenIdProvider,
  authorizationUrl: string,
  options: { login: string; consent: 'grant' | 'deny'; callbackPrefix: string },
): Promise<URL> {
  const jar = new CookieJar();
  let next: { url: string; method: 'GET' | 'POST'; body?: string } = { url: authorizationUrl, method: 'GET' };
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(next.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: next.body,
    });
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const target = new URL(location, next.url);
      if (target.href.startsWith(options.callbackPrefix)) return target;
      next = { url: target.href, method: 'GET' };
      continue;
    }
    if (res.status !== 200) throw new Error(`provider answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { uid: string; prompt: string };
    const base = `${op.issuer}/interaction/${page.uid}`;
    if (page.prompt === 'login') {
      next = { url: `${base}/login`, method: 'POST', body: new URLSearchParams({ login: options.login }).toString() };
    } else if (page.prompt === 'consent') {
      next = { url: `${base}/${options.consent === 'grant' ? 'confirm' : 'abort'}`, method: 'POST', body: '' };
    } else {
      throw new Error(`unexpected prompt ${page.prompt}`);
    }
  }
  throw new Error('the provider never sent the browser back');
}
