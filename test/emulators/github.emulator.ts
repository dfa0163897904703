/**
 * GitHub OAuth App emulator: github.com (/login/oauth/authorize, /login/oauth/access_token)
 * and api.github.com (/user, /user/emails) on one loopback server.
 */
import {
  type AccessGrant,
  type ApiRoute,
  appendQuery,
  type AuthorizeErrorContext,
  type AuthorizeErrorKind,
  bearerToken,
  type EmulatorOptions,
  type EmulatorUser,
  escapeHtml,
  html,
  json,
  numericId,
  OAuthEmulator,
  type ProviderSpec,
  type RecordedRequest,
  redirect,
  type Reply,
  text,
  type TokenErrorKind,
} from './oauth-emulator.js';

const PATHS = {
  authorization: '/login/oauth/authorize',
  token: '/login/oauth/access_token',
  userInfo: '/user',
  emails: '/user/emails',
};
const DOCS = 'https://docs.github.com/apps/managing-oauth-apps';
const TOKEN_ERRORS = `${DOCS}/troubleshooting-oauth-app-access-token-request-errors`;
const AUTHORIZE_ERRORS = `${DOCS}/troubleshooting-authorization-request-errors`;
const REDIRECT_MISMATCH = 'The redirect_uri MUST match the registered callback URL for this application.';
const NO_USER_AGENT =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header ' +
  '(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). ' +
  'Check https://developer.github.com for other possible causes.\n';

type Fields = Record<string, string>;

const query = (fields: Fields): string => new URLSearchParams(fields).toString();

/** Token endpoint answers: always HTTP 200, form-encoded unless the client Accepts JSON. */
function tokenReply(req: RecordedRequest, fields: Fields): Reply {
  return (req.headers.accept ?? '').includes('application/json')
    ? json(200, fields)
    : {
        status: 200,
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        },
        body: query(fields),
      };
}

function apiError(status: number, message: string, documentationUrl: string): Reply {
  return json(status, {
    message,
    documentation_url: documentationUrl,
    status: String(status),
  });
}

function tokenErrorFields(kind: TokenErrorKind): Fields {
  const fields = (error: string, description: string, uri: string): Fields => ({
    error,
    error_description: description,
    error_uri: uri,
  });
  switch (kind) {
    case 'unknown_client':
    case 'bad_secret':
      return fields(
        'incorrect_client_credentials',
        'The client_id and/or client_secret passed are incorrect.',
        `${TOKEN_ERRORS}/#incorrect-client-credentials`,
      );
    case 'redirect_mismatch':
      return fields('redirect_uri_mismatch', REDIRECT_MISMATCH, `${AUTHORIZE_ERRORS}/#redirect-uri-mismatch2`);
    case 'unsupported_grant_type':
      return fields('unsupported_grant_type', 'The grant type is not supported.', 'https://docs.github.com/apps');
    default:
      return fields(
        'bad_verification_code',
        'The code passed is incorrect or expired.',
        `${TOKEN_ERRORS}/#bad-verification-code`,
      );
  }
}

const base64 = (value: string): string => Buffer.from(value).toString('base64');
const login = (user: EmulatorUser): string => user.nickname ?? `user${numericId(user.id)}`;
const emailShared = (user: EmulatorUser): boolean => user.email !== undefined && user.consentEmail !== false;

export class GitHubEmulator extends OAuthEmulator {
  protected override readonly spec: ProviderSpec = {
    displayName: 'GitHub',
    paths: PATHS,
    tokenMethods: ['POST'],
    tokenParamsInQuery: true,
    acceptsJsonBody: true,
    basicClientAuth: false,
    requireGrantType: false,
    defaultRedirectUri: true,
    redirectUriAtToken: 'optional',
    stateAtToken: false,
    pkce: true,
    rejectUnexpectedVerifier: false,
    requiredAuthorizeParams: [],
    accessTokenTtl: undefined,
    tokenPrefix: 'gho_',
    codePrefix: '',
  };

  protected override cancelQuery(): string {
    return query({
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: `${AUTHORIZE_ERRORS}/#access-denied`,
    });
  }

  protected override defaultScopes(): string[] {
    return ['user:email'];
  }

  protected override authorizeError(kind: AuthorizeErrorKind, ctx: AuthorizeErrorContext): Reply {
    if (kind === 'redirect_mismatch' && ctx.client) {
      // GitHub sends the user back to the app's registered callback with the error.
      const fields: Fields = {
        error: 'redirect_uri_mismatch',
        error_description: REDIRECT_MISMATCH,
        error_uri: `${AUTHORIZE_ERRORS}/#redirect-uri-mismatch`,
        ...(ctx.state === undefined ? {} : { state: ctx.state }),
      };
      return redirect(appendQuery(ctx.client.redirectUris[0], query(fields)));
    }
    const status = kind === 'unknown_client' ? 404 : 400;
    const title = kind === 'unknown_client' ? 'Page not found' : 'Bad request';
    return html(
      status,
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title} · GitHub</title></head>` +
        `<body><h1>${title}</h1><p>${escapeHtml(ctx.message)}</p></body></html>`,
    );
  }

  protected override tokenError(kind: TokenErrorKind, ctx: { req: RecordedRequest }): Reply {
    return tokenReply(ctx.req, tokenErrorFields(kind));
  }

  protected override tokenSuccess(grant: AccessGrant, req: RecordedRequest): Reply {
    return tokenReply(req, {
      access_token: grant.accessToken,
      scope: grant.scopes.join(','),
      token_type: 'bearer',
    });
  }

  protected override apiRoutes(): ApiRoute[] {
    return [
      {
        path: PATHS.userInfo,
        methods: ['GET'],
        handle: (req) => this.api(req, (g) => this.user(g)),
      },
      {
        path: PATHS.emails,
        methods: ['GET'],
        handle: (req) => this.api(req, (g) => this.emails(g)),
      },
    ];
  }

  /** REST API gate: User-Agent required, then `token X` / `Bearer X`; adds X-OAuth-Scopes. */
  private api(req: RecordedRequest, ok: (grant: AccessGrant) => Reply): Reply {
    if (!req.headers['user-agent']) return text(403, NO_USER_AGENT);
    const token = bearerToken(req, ['token', 'bearer']);
    if (token === undefined) {
      return apiError(
        401,
        'Requires authentication',
        'https://docs.github.com/rest/users/users#get-the-authenticated-user',
      );
    }
    const grant = this.findGrant(token);
    if (!grant) return apiError(401, 'Bad credentials', 'https://docs.github.com/rest');
    const reply = ok(grant);
    reply.headers['x-oauth-scopes'] = grant.scopes.join(', ');
    return reply;
  }

  private user(grant: AccessGrant): Reply {
    const user = this.userOf(grant);
    const id = numericId(user.id);
    const name = login(user);
    return json(200, {
      login: name,
      id,
      node_id: base64(`04:User${id}`),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: `https://api.github.com/users/${name}`,
      html_url: `https://github.com/${name}`,
      type: 'User',
      site_admin: false,
      name: user.name ?? null,
      company: null,
      blog: '',
      location: null,
      email: emailShared(user) ? user.email : null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
    });
  }

  /** Needs scope user:email (or user); the noreply address is always listed, never primary. */
  private emails(grant: AccessGrant): Reply {
    if (!grant.scopes.some((s) => s === 'user:email' || s === 'user')) {
      return apiError(
        404,
        'Not Found',
        'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
      );
    }
    const user = this.userOf(grant);
    const noreply = {
      email: `${numericId(user.id)}+${login(user)}@users.noreply.github.com`,
      primary: false,
      verified: true,
      visibility: null,
    };
    const primary = emailShared(user)
      ? [
          {
            email: user.email,
            primary: true,
            verified: user.emailVerified ?? true,
            visibility: 'public',
          },
        ]
      : [];
    return json(200, [...primary, noreply]);
  }
}

export function startGitHubEmulator(opts?: EmulatorOptions): Promise<GitHubEmulator> {
  return new GitHubEmulator(opts).start();
}
