/**
 * Google OAuth 2.0 / OpenID Connect emulator: accounts.google.com (/o/oauth2/v2/auth),
 * oauth2.googleapis.com (/token) and openidconnect.googleapis.com (/v1/userinfo).
 */
import {
  type AccessGrant,
  type ApiRoute,
  type AuthorizeErrorContext,
  type AuthorizeErrorKind,
  base64url,
  bearerToken,
  type EmulatorOptions,
  type EmulatorUser,
  escapeHtml,
  html,
  json,
  OAuthEmulator,
  type ProviderSpec,
  type Reply,
  type TokenErrorKind,
} from './oauth-emulator.js';

const PATHS = {
  authorization: '/o/oauth2/v2/auth',
  token: '/token',
  userInfo: '/v1/userinfo',
};
const ACCESS_TOKEN_TTL = 3599;
export const GOOGLE_EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';
export const GOOGLE_PROFILE_SCOPE = 'https://www.googleapis.com/auth/userinfo.profile';
const SCOPE_ALIASES: Record<string, string> = {
  email: GOOGLE_EMAIL_SCOPE,
  profile: GOOGLE_PROFILE_SCOPE,
};
/** kid of the emulator's id_token: the signature is fake, so JWKS verification must fail. */
export const GOOGLE_UNVERIFIABLE_KID = 'emulator-unverifiable';

const oauthError = (status: number, error: string, description: string): Reply =>
  json(status, { error, error_description: description });

function profile(user: EmulatorUser): {
  name: string;
  given_name: string;
  family_name?: string;
  picture: string;
} {
  const name = user.name ?? user.nickname ?? `User ${user.id}`;
  const [given, ...family] = name.split(' ');
  return {
    name,
    given_name: given,
    ...(family.length > 0 ? { family_name: family.join(' ') } : {}),
    picture: 'https://lh3.googleusercontent.com/a/default-user=s96-c',
  };
}

export class GoogleEmulator extends OAuthEmulator {
  protected override readonly spec: ProviderSpec = {
    displayName: 'Google',
    paths: PATHS,
    tokenMethods: ['POST'],
    tokenParamsInQuery: false,
    acceptsJsonBody: true,
    basicClientAuth: true,
    requireGrantType: true,
    defaultRedirectUri: false,
    redirectUriAtToken: 'required',
    stateAtToken: false,
    pkce: true,
    rejectUnexpectedVerifier: true,
    requiredAuthorizeParams: ['response_type', 'scope'],
    accessTokenTtl: ACCESS_TOKEN_TTL,
    tokenPrefix: 'ya29.',
    codePrefix: '4/0A',
  };

  protected override cancelQuery(): string {
    return 'error=access_denied';
  }

  /** email/profile are expanded to their URLs, email is dropped without consent, openid is implied. */
  protected override grantScopes(requested: string[], user: EmulatorUser): string[] {
    const scopes = new Set(requested.map((s) => SCOPE_ALIASES[s] ?? s));
    if (user.consentEmail === false || user.email === undefined) scopes.delete(GOOGLE_EMAIL_SCOPE);
    if (scopes.has(GOOGLE_EMAIL_SCOPE) || scopes.has(GOOGLE_PROFILE_SCOPE)) scopes.add('openid');
    const rest = [...scopes].filter((s) => s !== 'openid').sort();
    return scopes.has('openid') ? ['openid', ...rest] : rest;
  }

  protected override defaultScopes(user: EmulatorUser): string[] {
    return this.grantScopes(['openid', 'email', 'profile'], user);
  }

  protected override authorizeError(kind: AuthorizeErrorKind, ctx: AuthorizeErrorContext): Reply {
    const pages: Record<AuthorizeErrorKind, [status: number, error: string, detail: string]> = {
      unknown_client: [401, 'invalid_client', 'The OAuth client was not found.'],
      redirect_mismatch: [400, 'redirect_uri_mismatch', ctx.message],
      invalid_request: [400, 'invalid_request', ctx.message],
    };
    const [status, error, detail] = pages[kind];
    return html(
      status,
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error ${status} (${error})</title></head>` +
        `<body><h1>Access blocked: Authorization Error</h1><p>${escapeHtml(detail)}</p>` +
        `<p>Error ${status}: ${error}</p></body></html>`,
    );
  }

  protected override tokenError(kind: TokenErrorKind): Reply {
    switch (kind) {
      case 'unknown_client':
        return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
      case 'bad_secret':
        return oauthError(401, 'invalid_client', 'Unauthorized');
      case 'unsupported_grant_type':
        return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type');
      case 'redirect_mismatch':
        return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
      case 'pkce_missing':
        return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      case 'pkce_unexpected':
        return oauthError(400, 'invalid_grant', 'code_verifier or verifier is not needed.');
      default:
        return oauthError(400, 'invalid_grant', 'Bad Request');
    }
  }

  protected override tokenSuccess(grant: AccessGrant): Reply {
    return json(200, {
      access_token: grant.accessToken,
      expires_in: ACCESS_TOKEN_TTL,
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
      ...(grant.scopes.includes('openid') ? { id_token: this.idToken(grant) } : {}),
    });
  }

  protected override apiRoutes(): ApiRoute[] {
    return [
      {
        path: PATHS.userInfo,
        methods: ['GET', 'POST'],
        handle: (req) => this.userInfo(bearerToken(req, ['bearer'])),
      },
    ];
  }

  private userInfo(token: string | undefined): Reply {
    const grant = this.findGrant(token);
    if (!grant) {
      const reply = oauthError(401, 'invalid_request', 'Invalid Credentials');
      reply.headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
      return reply;
    }
    return json(200, this.claims(grant));
  }

  /** OIDC claims the grant's scopes allow (userinfo and id_token share them). */
  private claims(grant: AccessGrant): Record<string, unknown> {
    const user = this.userOf(grant);
    return {
      sub: String(user.id),
      ...(grant.scopes.includes(GOOGLE_PROFILE_SCOPE) ? profile(user) : {}),
      ...(grant.scopes.includes(GOOGLE_EMAIL_SCOPE)
        ? { email: user.email, email_verified: user.emailVerified ?? true }
        : {}),
    };
  }

  /** JWT-shaped but NOT verifiable: fake signature, kid {@link GOOGLE_UNVERIFIABLE_KID}. */
  private idToken(grant: AccessGrant): string {
    const iat = Math.floor(grant.issuedAt / 1000);
    const header = { alg: 'RS256', kid: GOOGLE_UNVERIFIABLE_KID, typ: 'JWT' };
    const payload = {
      iss: 'https://accounts.google.com',
      azp: grant.clientId,
      aud: grant.clientId,
      ...this.claims(grant),
      ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      iat,
      exp: iat + 3600,
    };
    return [
      base64url(JSON.stringify(header)),
      base64url(JSON.stringify(payload)),
      base64url('emulator-signature-not-verifiable'),
    ].join('.');
  }
}

export function startGoogleEmulator(opts?: EmulatorOptions): Promise<GoogleEmulator> {
  return new GoogleEmulator(opts).start();
}
