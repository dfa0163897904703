import { OAuth2 } from 'oauth';
import { hardenOAuth2 } from './provider-http.js';

type Answer = [err: unknown, accessToken?: string, refreshToken?: string, results?: Record<string, unknown>];

/** A client whose token endpoint answers `answer`, or never when it is undefined. */
function client(answer: Answer | undefined): OAuth2 {
  const oauth2 = new OAuth2('id', 'secret', '', 'http://p.invalid/a', 'http://p.invalid/t');
  oauth2.getOAuthAccessToken = ((_code: string, _params: unknown, callback: (...args: Answer) => void) => {
    if (answer) callback(...answer);
  }) as OAuth2['getOAuthAccessToken'];
  oauth2.get = () => undefined;
  return oauth2;
}

const exchange = (oauth2: OAuth2) =>
  new Promise<Answer>((resolve) => oauth2.getOAuthAccessToken('code', {}, (...args) => resolve(args as Answer)));

describe('hardenOAuth2', () => {
  it('turns an HTTP 200 answer naming an error into the error response it is', async () => {
    const oauth2 = client([null, undefined, undefined, { error: 'bad_verification_code', error_description: 'x' }]);
    hardenOAuth2(oauth2, { errorsAnsweredWith200: true });
    const [err] = await exchange(oauth2);
    expect(err).toEqual({
      statusCode: 200,
      data: JSON.stringify({ error: 'bad_verification_code', error_description: 'x' }),
    });
  });

  it('passes a successful exchange through untouched', async () => {
    const oauth2 = client([null, 'access', 'refresh', { token_type: 'bearer' }]);
    hardenOAuth2(oauth2, { errorsAnsweredWith200: true });
    expect(await exchange(oauth2)).toEqual([null, 'access', 'refresh', { token_type: 'bearer' }]);
  });

  it('ends a token exchange or profile read the provider never answers with a 504', async () => {
    const oauth2 = client(undefined);
    hardenOAuth2(oauth2, { timeoutMs: 20 });
    const [err] = await exchange(oauth2);
    expect(err).toMatchObject({ statusCode: 504 });
    const profileErr = await new Promise((resolve) => oauth2.get('http://p.invalid/me', 'token', (e) => resolve(e)));
    expect(profileErr).toMatchObject({ statusCode: 504 });
  });
});
