import { type Env, isProduction, present, reportProblem } from './env.parsers.js';
import { configNamespace } from './namespace.js';

export const SOCIAL_PROVIDERS = ['kakao', 'google', 'github', 'naver'] as const;
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

export const TOKEN_DELIVERIES = ['query', 'fragment', 'code'] as const;
export type TokenDelivery = (typeof TOKEN_DELIVERIES)[number];

/** How the client id and secret reach a token endpoint (RFC 6749 §2.3.1; OIDC Core §9 names). */
export const TOKEN_AUTH_METHODS = ['client_secret_post', 'client_secret_basic'] as const;
export type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

/**
 * The real providers' endpoints: the defaults of `{P}_AUTHORIZATION_URI`, `{P}_TOKEN_URI`,
 * `{P}_USER_INFO_URI`, and `{P}_ISSUER`, the `iss` their authorization responses carry (RFC 9207).
 */
export const PROVIDER_DEFAULTS: Record<
  SocialProvider,
  { authorizationUri: string; tokenUri: string; userInfoUri: string; issuer: string }
> = {
  kakao: {
    authorizationUri: 'https://kauth.kakao.com/oauth/authorize',
    tokenUri: 'https://kauth.kakao.com/oauth/token',
    userInfoUri: 'https://kapi.kakao.com/v2/user/me',
    issuer: 'https://kauth.kakao.com',
  },
  google: {
    authorizationUri: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUri: 'https://oauth2.googleapis.com/token',
    userInfoUri: 'https://openidconnect.googleapis.com/v1/userinfo',
    issuer: 'https://accounts.google.com',
  },
  github: {
    authorizationUri: 'https://github.com/login/oauth/authorize',
    tokenUri: 'https://github.com/login/oauth/access_token',
    userInfoUri: 'https://api.github.com/user',
    issuer: 'https://github.com/login/oauth',
  },
  naver: {
    authorizationUri: 'https://nid.naver.com/oauth2.0/authorize',
    tokenUri: 'https://nid.naver.com/oauth2.0/token',
    userInfoUri: 'https://openapi.naver.com/v1/nid/me',
    issuer: 'https://nid.naver.com',
  },
};
export const KAKAO_TOKEN_INFO_DEFAULT = 'https://kapi.kakao.com/v1/user/access_token_info';
export const GITHUB_EMAILS_DEFAULT = 'https://api.github.com/user/emails';
export const OAUTH2_REDIRECT_DEFAULT = 'http://localhost:3000/oauth-redirect';

/** Kakao may run without a client secret (it is optional in its console); the others need one. */
const SECRET_OPTIONAL: ReadonlySet<SocialProvider> = new Set(['kakao']);

export interface ProviderSettings {
  provider: SocialProvider;
  /** False when `{P}_CLIENT_ID` is unset: its routes answer 503 PROVIDER_NOT_CONFIGURED. */
  configured: boolean;
  clientId: string;
  clientSecret: string;
  /** The callback URL sent to the provider (and registered in its console). */
  redirectUri: string;
  authorizationUri: string;
  tokenUri: string;
  userInfoUri: string;
  /** `{P}_ISSUER`: what the `iss` of an authorization response must equal when it carries one (RFC 9207). */
  issuer: string;
  /** Credentials in the form body, or as HTTP Basic (`GOOGLE_TOKEN_AUTH_METHOD`; the others: body only). */
  tokenAuthMethod: TokenAuthMethod;
}

export interface OAuthSettings {
  providers: Record<SocialProvider, ProviderSettings>;
  kakaoTokenInfoUri: string;
  /** Kakao's numeric app id; `POST /api/auth/social/kakao` refuses tokens of any other app. */
  kakaoAppId: string | undefined;
  githubEmailsUri: string;
  redirectUri: string;
  failureRedirectUri: string;
  tokenDelivery: TokenDelivery;
  /** Exact-match list for the optional `redirect_uri` of the start URL. */
  allowedRedirectUris: string[];
  production: boolean;
}

export const envName = (provider: SocialProvider, suffix: string): string => `${provider.toUpperCase()}_${suffix}`;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `http:` URLs that do not point at this machine (refused in production). */
export function isInsecureRemote(raw: string): boolean {
  const url = new URL(raw);
  return url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname);
}

/**
 * Reads and checks the OAuth variables. Returns every problem found (each
 * naming its variable) instead of stopping at the first, so `npm run doctor`
 * can list them all; the service refuses to start on any of them.
 */
export function parseOAuthEnv(env: Env): { settings: OAuthSettings; errors: string[] } {
  const errors: string[] = [];
  const production = isProduction(env);
  // A wrong PORT is app.config's problem to report; the default redirect URIs then use 8080 rather than repeat it.
  const port = /^\d{1,5}$/.test(present(env, 'PORT') ?? '') ? (present(env, 'PORT') as string) : '8080';

  const check = (name: string, raw: string, redirect: boolean): string => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      errors.push(`${name}: "${raw}" is not a URL`);
      return raw;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      errors.push(`${name}: "${raw}" must be an http or https URL`);
    } else if (redirect && parsed.hash !== '') {
      errors.push(`${name}: "${raw}" must not contain a #fragment`);
    } else if (redirect && production && isInsecureRemote(raw)) {
      errors.push(`${name}: "${raw}" uses http; NODE_ENV=production needs https (http only for localhost)`);
    }
    return raw;
  };
  const url = (name: string, fallback: string, redirect = false): string =>
    check(name, present(env, name) ?? fallback, redirect);

  const provider = (id: SocialProvider): ProviderSettings => {
    const clientId = present(env, envName(id, 'CLIENT_ID')) ?? '';
    const clientSecret = present(env, envName(id, 'CLIENT_SECRET')) ?? '';
    if (clientId !== '' && clientSecret === '' && !SECRET_OPTIONAL.has(id)) {
      errors.push(`${envName(id, 'CLIENT_SECRET')}: required when ${envName(id, 'CLIENT_ID')} is set`);
    }
    const defaults = PROVIDER_DEFAULTS[id];
    return {
      provider: id,
      configured: clientId !== '',
      clientId,
      clientSecret,
      redirectUri: url(envName(id, 'REDIRECT_URI'), `http://localhost:${port}/login/oauth2/code/${id}`, true),
      authorizationUri: url(envName(id, 'AUTHORIZATION_URI'), defaults.authorizationUri),
      tokenUri: url(envName(id, 'TOKEN_URI'), defaults.tokenUri),
      userInfoUri: url(envName(id, 'USER_INFO_URI'), defaults.userInfoUri),
      issuer: url(envName(id, 'ISSUER'), defaults.issuer),
      tokenAuthMethod: 'client_secret_post',
    };
  };

  const providers = {
    kakao: provider('kakao'),
    google: provider('google'),
    github: provider('github'),
    naver: provider('naver'),
  };
  // Google takes the credentials in the body or as HTTP Basic; Kakao, Naver and GitHub in the body only.
  const googleAuth = (present(env, 'GOOGLE_TOKEN_AUTH_METHOD') ?? 'client_secret_post').toLowerCase();
  if ((TOKEN_AUTH_METHODS as readonly string[]).includes(googleAuth)) {
    providers.google.tokenAuthMethod = googleAuth as TokenAuthMethod;
  } else {
    errors.push(`GOOGLE_TOKEN_AUTH_METHOD: "${googleAuth}" must be one of ${TOKEN_AUTH_METHODS.join(', ')}`);
  }

  const kakaoAppId = present(env, 'KAKAO_APP_ID');
  if (kakaoAppId !== undefined && !/^\d+$/.test(kakaoAppId)) {
    errors.push(`KAKAO_APP_ID: "${kakaoAppId}" is not a number (the app id of the Kakao console)`);
  }

  const redirectUri = url('OAUTH2_REDIRECT_URI', OAUTH2_REDIRECT_DEFAULT, true);
  const failureRedirect = present(env, 'OAUTH2_FAILURE_REDIRECT_URI');
  const failureRedirectUri =
    failureRedirect === undefined ? redirectUri : check('OAUTH2_FAILURE_REDIRECT_URI', failureRedirect, true);

  const delivery = (present(env, 'OAUTH2_TOKEN_DELIVERY') ?? 'query').toLowerCase();
  if (!(TOKEN_DELIVERIES as readonly string[]).includes(delivery)) {
    errors.push(`OAUTH2_TOKEN_DELIVERY: "${delivery}" must be one of ${TOKEN_DELIVERIES.join(', ')}`);
  }

  const allowedRedirectUris = (present(env, 'OAUTH2_ALLOWED_REDIRECT_URIS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of allowedRedirectUris) check('OAUTH2_ALLOWED_REDIRECT_URIS', entry, true);

  return {
    settings: {
      providers,
      kakaoTokenInfoUri: url('KAKAO_TOKEN_INFO_URI', KAKAO_TOKEN_INFO_DEFAULT),
      kakaoAppId,
      githubEmailsUri: url('GITHUB_EMAILS_URI', GITHUB_EMAILS_DEFAULT),
      redirectUri,
      failureRedirectUri,
      tokenDelivery: delivery as TokenDelivery,
      allowedRedirectUris,
      production,
    },
    errors,
  };
}

/** Social login (SPEC §3): providers, hand-off and redirect targets. Any error stops the start. */
export const oauthConfig = configNamespace('oauth', (env: Env): OAuthSettings => {
  const { settings, errors } = parseOAuthEnv(env);
  for (const error of errors) reportProblem(error);
  return settings;
});

export type OAuthConfig = ReturnType<typeof oauthConfig>;
