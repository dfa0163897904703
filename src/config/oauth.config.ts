import { GITHUB_EMAILS_DEFAULT } from '../oauth/providers/github.provider.js';
import { SOCIAL_PROVIDER_DEFINITIONS, type SocialProvider } from '../oauth/providers/index.js';
import { KAKAO_TOKEN_INFO_DEFAULT } from '../oauth/providers/kakao.provider.js';
import type { SocialProviderDefinition } from '../oauth/providers/provider-definition.js';
import { type Env, isProduction, present, reportProblem } from './env.parsers.js';
import { configNamespace } from './namespace.js';

export const TOKEN_DELIVERIES = ['query', 'fragment', 'code'] as const;
export type TokenDelivery = (typeof TOKEN_DELIVERIES)[number];

/** How the client id and secret reach a token endpoint (RFC 6749 §2.3.1; OIDC Core §9 names). */
export const TOKEN_AUTH_METHODS = ['client_secret_post', 'client_secret_basic'] as const;
export type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

export const OAUTH2_REDIRECT_DEFAULT = 'http://localhost:3000/oauth-redirect';

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
  /** Credentials in the form body, or as HTTP Basic where the definition lets `{P}_TOKEN_AUTH_METHOD` choose. */
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

  // Each provider's variables, with its definition's defaults (docs/DECISIONS.md, provider definitions).
  const provider = (definition: SocialProviderDefinition<SocialProvider>): ProviderSettings => {
    const id = definition.id;
    const clientId = present(env, envName(id, 'CLIENT_ID')) ?? '';
    const clientSecret = present(env, envName(id, 'CLIENT_SECRET')) ?? '';
    if (clientId !== '' && clientSecret === '' && definition.optionalSecret === undefined) {
      errors.push(`${envName(id, 'CLIENT_SECRET')}: required when ${envName(id, 'CLIENT_ID')} is set`);
    }
    const defaults = definition.defaults;
    return {
      provider: id,
      configured: clientId !== '',
      clientId,
      clientSecret,
      redirectUri: url(envName(id, 'REDIRECT_URI'), `http://localhost:${port}${definition.callbackPaths[0]}`, true),
      authorizationUri: url(envName(id, 'AUTHORIZATION_URI'), defaults.authorizationUri),
      tokenUri: url(envName(id, 'TOKEN_URI'), defaults.tokenUri),
      userInfoUri: url(envName(id, 'USER_INFO_URI'), defaults.userInfoUri),
      issuer: url(envName(id, 'ISSUER'), defaults.issuer),
      tokenAuthMethod: 'client_secret_post',
    };
  };

  const providers = Object.fromEntries(
    SOCIAL_PROVIDER_DEFINITIONS.map((definition) => [definition.id, provider(definition)]),
  ) as Record<SocialProvider, ProviderSettings>;
  // Some providers take the credentials in the body or as HTTP Basic (Google); the others in the body only.
  for (const definition of SOCIAL_PROVIDER_DEFINITIONS) {
    if (definition.configurableTokenAuth !== true) continue;
    const name = envName(definition.id, 'TOKEN_AUTH_METHOD');
    const method = (present(env, name) ?? 'client_secret_post').toLowerCase();
    if ((TOKEN_AUTH_METHODS as readonly string[]).includes(method)) {
      providers[definition.id].tokenAuthMethod = method as TokenAuthMethod;
    } else {
      errors.push(`${name}: "${method}" must be one of ${TOKEN_AUTH_METHODS.join(', ')}`);
    }
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
