import { parse } from 'dotenv';
import { readFileSync } from 'node:fs';
import { SOCIAL_PROVIDERS } from '../oauth/providers/index.js';
import { parseOAuthEnv } from './oauth.config.js';

describe('parseOAuthEnv', () => {
  it('defaults to the real providers, callbacks on PORT, query hand-off, failure page = success page', () => {
    const { settings, errors } = parseOAuthEnv({ PORT: '9090' });
    expect(errors).toEqual([]);
    expect(settings.providers.kakao).toMatchObject({
      configured: false,
      redirectUri: 'http://localhost:9090/login/oauth2/code/kakao',
      authorizationUri: 'https://kauth.kakao.com/oauth/authorize',
      tokenUri: 'https://kauth.kakao.com/oauth/token',
      userInfoUri: 'https://kapi.kakao.com/v2/user/me',
    });
    expect(settings.providers.google.userInfoUri).toBe('https://openidconnect.googleapis.com/v1/userinfo');
    expect(settings.providers.github.tokenUri).toBe('https://github.com/login/oauth/access_token');
    expect(settings.providers.naver.userInfoUri).toBe('https://openapi.naver.com/v1/nid/me');
    expect(settings.kakaoTokenInfoUri).toBe('https://kapi.kakao.com/v1/user/access_token_info');
    expect(settings.githubEmailsUri).toBe('https://api.github.com/user/emails');
    expect(settings.redirectUri).toBe('http://localhost:3000/oauth-redirect');
    expect(settings.failureRedirectUri).toBe(settings.redirectUri);
    expect(settings.tokenDelivery).toBe('query');
    expect(settings.allowedRedirectUris).toEqual([]);
  });

  it('enables a provider by its client id and reads the allow-list as a trimmed comma list', () => {
    const { settings, errors } = parseOAuthEnv({
      KAKAO_CLIENT_ID: 'rest-key',
      OAUTH2_ALLOWED_REDIRECT_URIS: ' https://a.example.com/cb , http://localhost:5173/x ,',
      OAUTH2_TOKEN_DELIVERY: 'CODE',
    });
    expect(errors).toEqual([]);
    expect(settings.providers.kakao.configured).toBe(true);
    expect(settings.providers.kakao.clientSecret).toBe('');
    expect(settings.allowedRedirectUris).toEqual(['https://a.example.com/cb', 'http://localhost:5173/x']);
    expect(settings.tokenDelivery).toBe('code');
  });

  it.each([
    [{ GOOGLE_CLIENT_ID: 'id' }, 'GOOGLE_CLIENT_SECRET: required when GOOGLE_CLIENT_ID is set'],
    [{ NAVER_TOKEN_URI: 'not a url' }, 'NAVER_TOKEN_URI: "not a url" is not a URL'],
    [{ KAKAO_USER_INFO_URI: 'ftp://x/y' }, 'KAKAO_USER_INFO_URI: "ftp://x/y" must be an http or https URL'],
    [
      { GOOGLE_TOKEN_AUTH_METHOD: 'private_key_jwt' },
      'GOOGLE_TOKEN_AUTH_METHOD: "private_key_jwt" must be one of client_secret_post, client_secret_basic',
    ],
    [{ NAVER_ISSUER: 'nid.naver.com' }, 'NAVER_ISSUER: "nid.naver.com" is not a URL'],
    [{ OAUTH2_TOKEN_DELIVERY: 'cookie' }, 'OAUTH2_TOKEN_DELIVERY: "cookie" must be one of query, fragment, code'],
    [
      { OAUTH2_REDIRECT_URI: 'https://app.example.com/#/cb' },
      'OAUTH2_REDIRECT_URI: "https://app.example.com/#/cb" must not contain a #fragment',
    ],
    [{ KAKAO_APP_ID: 'abc' }, 'KAKAO_APP_ID: "abc" is not a number (the app id of the Kakao console)'],
    [
      { OAUTH2_ALLOWED_REDIRECT_URIS: 'https://ok.example.com,evil' },
      'OAUTH2_ALLOWED_REDIRECT_URIS: "evil" is not a URL',
    ],
  ])('names the variable: %j', (env, message) => {
    expect(parseOAuthEnv(env).errors).toEqual([message]);
  });

  it('defaults each issuer to the real provider and Google to client_secret_post; any userinfo path is accepted', () => {
    const { settings, errors } = parseOAuthEnv({ GOOGLE_USER_INFO_URI: 'https://op.example.com/me' });
    expect(errors).toEqual([]);
    expect(settings.providers.google.userInfoUri).toBe('https://op.example.com/me');
    expect(SOCIAL_PROVIDERS.map((provider) => settings.providers[provider].issuer)).toEqual([
      'https://kauth.kakao.com',
      'https://accounts.google.com',
      'https://github.com/login/oauth',
      'https://nid.naver.com',
    ]);
    expect(SOCIAL_PROVIDERS.map((provider) => settings.providers[provider].tokenAuthMethod)).toEqual([
      'client_secret_post',
      'client_secret_post',
      'client_secret_post',
      'client_secret_post',
    ]);
  });

  it('reads {P}_ISSUER and GOOGLE_TOKEN_AUTH_METHOD', () => {
    const { settings, errors } = parseOAuthEnv({
      GOOGLE_ISSUER: 'http://127.0.0.1:4000',
      GOOGLE_TOKEN_AUTH_METHOD: 'client_secret_basic',
    });
    expect(errors).toEqual([]);
    expect(settings.providers.google).toMatchObject({
      issuer: 'http://127.0.0.1:4000',
      tokenAuthMethod: 'client_secret_basic',
    });
  });

  it('refuses http redirect URIs in production, except localhost', () => {
    const { errors } = parseOAuthEnv({
      NODE_ENV: 'production',
      KAKAO_REDIRECT_URI: 'http://auth.example.com/login/oauth2/code/kakao',
      GOOGLE_REDIRECT_URI: 'http://127.0.0.1:8080/login/oauth2/code/google',
      OAUTH2_REDIRECT_URI: 'https://app.example.com/oauth-redirect',
      OAUTH2_FAILURE_REDIRECT_URI: 'http://app.example.com/fail',
      OAUTH2_ALLOWED_REDIRECT_URIS: 'http://localhost:5173/cb,http://app.example.com/other',
    });
    expect(errors).toEqual([
      expect.stringMatching(/^KAKAO_REDIRECT_URI: .* uses http; NODE_ENV=production needs https/),
      expect.stringMatching(/^OAUTH2_FAILURE_REDIRECT_URI: .* uses http/),
      expect.stringMatching(/^OAUTH2_ALLOWED_REDIRECT_URIS: "http:\/\/app.example.com\/other" uses http/),
    ]);
  });

  it('accepts .env.example as it stands, which lists every variable', () => {
    const example = parse(readFileSync(new URL('../../.env.example', import.meta.url)));
    const { settings, errors } = parseOAuthEnv(example);
    expect(errors).toEqual([]);
    expect(settings.providers.kakao.redirectUri).toBe('http://localhost:8080/login/oauth2/code/kakao');
    const names = SOCIAL_PROVIDERS.flatMap((provider) =>
      ['CLIENT_ID', 'CLIENT_SECRET', 'REDIRECT_URI', 'AUTHORIZATION_URI', 'TOKEN_URI', 'USER_INFO_URI'].map(
        (suffix) => `${provider.toUpperCase()}_${suffix}`,
      ),
    );
    for (const name of [
      ...names,
      'KAKAO_TOKEN_INFO_URI',
      'KAKAO_APP_ID',
      'GITHUB_EMAILS_URI',
      'OAUTH2_REDIRECT_URI',
      'OAUTH2_FAILURE_REDIRECT_URI',
      'OAUTH2_TOKEN_DELIVERY',
      'OAUTH2_ALLOWED_REDIRECT_URIS',
      ...SOCIAL_PROVIDERS.map((provider) => `${provider.toUpperCase()}_ISSUER`),
      'GOOGLE_TOKEN_AUTH_METHOD',
    ]) {
      expect(Object.keys(example)).toContain(name);
    }
  });
});
