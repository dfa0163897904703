import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2 } from 'oauth';
import { ClientSecretBasicOAuth2, hardenOAuth2, parseProfileError, ProviderProfileError } from './provider-http.js';

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

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback server that records each request and answers `reply`. */
async function recorder(reply: {
  status: number;
  body: string;
}): Promise<{ base: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('provider API reads', () => {
  it('send the access token in Authorization: Bearer only, never as ?access_token=', async () => {
    const api = await recorder({ status: 200, body: '{"sub":"1"}' });
    try {
      const oauth2 = new OAuth2('id', 'secret', '', `${api.base}/a`, `${api.base}/t`);
      hardenOAuth2(oauth2);
      const body = await new Promise((resolve, reject) =>
        oauth2.get(`${api.base}/me?fields=email`, 'tok en+/=', (err, data) =>
          err ? reject(new Error(JSON.stringify(err))) : resolve(data),
        ),
      );
      expect(body).toBe('{"sub":"1"}');
      expect(api.seen).toHaveLength(1);
      expect(api.seen[0].url).toBe('/me?fields=email');
      expect(api.seen[0].headers.authorization).toBe('Bearer tok en+/=');
    } finally {
      await closeServer(api.server);
    }
  });
});

describe('parseProfileError', () => {
  it.each([
    [
      'RFC 6750 (OpenID providers, Google)',
      { error: 'invalid_token', error_description: 'access token not found' },
      ['invalid_token', 'access token not found', undefined],
    ],
    [
      'Kakao',
      { msg: 'this access token does not exist', code: -401 },
      [undefined, 'this access token does not exist', '-401'],
    ],
    ['Naver', { resultcode: '024', message: 'Authentication failed' }, [undefined, 'Authentication failed', '024']],
    [
      'GitHub',
      { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      ['Bad credentials', undefined, undefined],
    ],
    [
      'Google APIs',
      { error: { code: 401, message: 'Request is missing credentials', status: 'UNAUTHENTICATED' } },
      ['UNAUTHENTICATED', 'Request is missing credentials', undefined],
    ],
  ])('reads what %s says', (_name, body, [error, description, code]) => {
    const parsed = parseProfileError(JSON.stringify(body), 401);
    expect(parsed).toBeInstanceOf(ProviderProfileError);
    expect({ ...parsed }).toMatchObject({ error, errorDescription: description, errorCode: code, status: 401 });
  });

  it('names nothing for a body without an error', () => {
    expect(parseProfileError('<html>503</html>', 503)).toBeNull();
    expect(parseProfileError(JSON.stringify({ id: 1 }), 500)).toBeNull();
  });
});

describe('ClientSecretBasicOAuth2', () => {
  const exchangeAt = (oauth2: OAuth2) =>
    new Promise<Answer>((resolve) =>
      oauth2.getOAuthAccessToken(
        'the-code',
        { grant_type: 'authorization_code', redirect_uri: 'http://localhost:8080/cb', code_verifier: 'v' },
        (...args) => resolve(args as Answer),
      ),
    );

  it('authenticates with HTTP Basic (form-encoded id and secret) and keeps both out of the body', async () => {
    const op = await recorder({
      status: 200,
      body: '{"access_token":"at","refresh_token":"rt","token_type":"Bearer"}',
    });
    try {
      const oauth2 = new ClientSecretBasicOAuth2('client:1', 's3cr3t +/&', `${op.base}/auth`, `${op.base}/token`);
      const [err, accessToken, refreshToken, results] = await exchangeAt(oauth2);
      expect({ err, accessToken, refreshToken, results }).toEqual({
        err: null,
        accessToken: 'at',
        refreshToken: 'rt',
        results: { access_token: 'at', token_type: 'Bearer' },
      });
      const [seen] = op.seen;
      const credentials = Buffer.from(String(seen.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
      expect(credentials).toBe('client%3A1:s3cr3t+%2B%2F%26');
      expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({
        grant_type: 'authorization_code',
        redirect_uri: 'http://localhost:8080/cb',
        code_verifier: 'v',
        code: 'the-code',
      });
      expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded');
    } finally {
      await closeServer(op.server);
    }
  });

  it('hands a refusal to passport as node-oauth does: status and body', async () => {
    const op = await recorder({ status: 401, body: '{"error":"invalid_client"}' });
    try {
      const [err] = await exchangeAt(new ClientSecretBasicOAuth2('id', 'secret', `${op.base}/a`, `${op.base}/t`));
      expect(err).toEqual({ statusCode: 401, data: '{"error":"invalid_client"}' });
    } finally {
      await closeServer(op.server);
    }
  });
});
