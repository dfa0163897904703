import SwaggerParser from '@apidevtools/swagger-parser';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { resolve } from 'node:path';
import {
  logIn,
  LOGOUT,
  ME,
  type OpenApiDocument,
  OpenApiResponseValidator,
  REISSUE,
  signUp,
  startTestApp,
  STATUS_TEXT,
  type TestApp,
  useTestApp,
} from '../support/kit.js';

/**
 * SPEC §4 "Docs": the OpenAPI document is a contract a SPA can generate a
 * client from. Checked as a document (swagger-parser, redocly lint, what it
 * must hold) and against the running service (its rules are the service's
 * behaviour). Every response of the e2e suite is also checked against it by
 * the test kit (test/support/openapi-validator.ts).
 */

type Schema = {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  items?: Schema;
  enum?: unknown[];
};
type Header = { $ref?: string; required?: boolean };
type Example = { value: { errorCode: string; message: string; code: { code: number; message: string } } };
type Response = {
  headers?: Record<string, Header>;
  content?: Record<string, { schema: Schema; examples?: Record<string, Example> }>;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: { enum?: string[] } };
type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, Response>;
};
type Document = OpenApiDocument & {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    headers: Record<string, Header>;
    securitySchemes: Record<string, { type: string; scheme?: string }>;
  };
};

/** The shared errors of SPEC §1, written out here so a changed message fails. */
const SHARED = {
  INVALID_JSON: [400, '요청 본문이 올바른 JSON 형식이 아닙니다.'],
  PAYLOAD_TOO_LARGE: [413, '요청 본문이 너무 큽니다.'],
  UNSUPPORTED_MEDIA_TYPE: [415, '지원하지 않는 Content-Type입니다.'],
  TOO_MANY_REQUESTS: [429, '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.'],
  SERVICE_UNAVAILABLE: [503, '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.'],
  INTERNAL_ERROR: [500, '서버 오류가 발생했습니다.'],
  TOKEN_MISSING: [401, '인증 토큰이 필요합니다.'],
} as const;

const RATE_LIMITED = [/^\/api\/auth\//, /^\/oauth2\/authorization\//, /^\/login\/oauth2\/code\//];
/** The browser-facing social login routes: the limiter refuses them with the failure redirect (SPEC §3), not a 429. */
const REDIRECTING = [
  '/api/auth/kakao',
  '/api/auth/kakao/callback',
  '/login/oauth2/code/{provider}',
  '/oauth2/authorization/{provider}',
];
const BEARER_ONLY = [{ bearer: [] }];

function operationsOf(doc: Document): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => [method, path, operation] as [string, string, Operation]),
  );
}

/** The errorCode → message pairs of an operation's examples at one status. */
function examplesAt(operation: Operation, status: number): Record<string, string> {
  const examples = operation.responses[String(status)]?.content?.['application/json']?.examples ?? {};
  return Object.fromEntries(Object.values(examples).map((example) => [example.value.errorCode, example.value.message]));
}

/** A concrete URL of the operation: each path parameter gets the first value its enum allows. */
function urlOf(path: string, operation: Operation): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
    expect(parameter).toBeDefined();
    return parameter?.schema?.enum?.[0] ?? 'x';
  });
}

function send(t: TestApp, method: string, url: string, operation: Operation) {
  const req = t.http[method as 'get' | 'post'](url);
  return operation.requestBody ? req.send({}) : req;
}

describe('the OpenAPI document (SPEC §4)', () => {
  const t = useTestApp();
  let doc: Document;
  beforeAll(async () => {
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
  });

  describe('as a document', () => {
    it('is valid OpenAPI 3 for @apidevtools/swagger-parser', async () => {
      const parsed = await SwaggerParser.validate(structuredClone(doc) as never);
      expect(Object.keys(parsed.paths ?? {})).toEqual(Object.keys(doc.paths));
    });

    it('passes redocly lint under redocly.yaml (recommended rules) with no error and no warning', async () => {
      const config = await loadConfig({ configPath: resolve('redocly.yaml') });
      const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
      expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    });

    it('names its servers: the origin serving it first, then the development server', () => {
      expect(doc.servers?.map((server) => server.url)).toEqual([
        '/',
        expect.stringMatching(/^http:\/\/localhost:\d+$/),
      ]);
    });

    it('lists every operation of the service', () => {
      expect(operationsOf(doc).map(([method, path]) => `${method} ${path}`)).toEqual(
        expect.arrayContaining([
          'post /api/auth/email/verification/send',
          'post /api/auth/email/verification/verify',
          'post /api/auth/signup',
          'post /api/auth/login',
          'post /api/auth/logout',
          'post /api/auth/refresh',
          'post /api/auth/reissue',
          'get /api/auth/me',
          'get /oauth2/authorization/{provider}',
          'get /login/oauth2/code/{provider}',
          'get /api/auth/kakao',
          'get /api/auth/kakao/callback',
          'post /api/auth/oauth2/token',
          'post /api/auth/social/kakao',
          'get /health',
        ]),
      );
    });

    it('gives every response of every operation the X-Trace-Id header, required', () => {
      expect(doc.components.headers['X-Trace-Id']).toMatchObject({ required: true });
      for (const [method, path, operation] of operationsOf(doc)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect({ at: `${method} ${path} ${status}`, header: response.headers?.['X-Trace-Id'] }).toEqual({
            at: `${method} ${path} ${status}`,
            header: { $ref: '#/components/headers/X-Trace-Id' },
          });
        }
      }
    });

    it('documents 500 INTERNAL_ERROR and 503 on every operation, the envelope ones with SERVICE_UNAVAILABLE', () => {
      for (const [method, path, operation] of operationsOf(doc)) {
        const at = `${method} ${path}`;
        expect({ at, 500: examplesAt(operation, 500) }).toEqual({
          at,
          500: { INTERNAL_ERROR: SHARED.INTERNAL_ERROR[1] },
        });
        expect({ at, has503: operation.responses['503'] !== undefined }).toEqual({ at, has503: true });
        if (path !== '/health') {
          expect({ at, 503: examplesAt(operation, 503) }).toMatchObject({
            at,
            503: { SERVICE_UNAVAILABLE: SHARED.SERVICE_UNAVAILABLE[1] },
          });
          expect(operation.responses['503'].headers?.['Retry-After']).toBeDefined();
        }
      }
    });

    it('documents 400 INVALID_JSON, 413 and 415 on every operation with a JSON body', () => {
      const withBody = operationsOf(doc).filter(([, , operation]) => operation.requestBody);
      expect(withBody.length).toBeGreaterThanOrEqual(7);
      for (const [method, path, operation] of withBody) {
        expect(operation.requestBody?.content).toHaveProperty(['application/json']);
        for (const code of ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) {
          const [status, message] = SHARED[code];
          expect({ at: `${method} ${path}`, code, message: examplesAt(operation, status)[code] }).toEqual({
            at: `${method} ${path}`,
            code,
            message,
          });
        }
      }
    });

    it('documents 429 with a required Retry-After on every rate-limited operation, and only there', () => {
      for (const [method, path, operation] of operationsOf(doc)) {
        const limited = RATE_LIMITED.some((prefix) => prefix.test(`${path}/`)) && !REDIRECTING.includes(path);
        const at = `${method} ${path}`;
        expect({ at, limited: examplesAt(operation, 429).TOO_MANY_REQUESTS }).toEqual({
          at,
          limited: limited ? SHARED.TOO_MANY_REQUESTS[1] : undefined,
        });
        if (limited)
          expect(operation.responses['429'].headers?.['Retry-After']).toEqual({
            $ref: '#/components/headers/Retry-After',
          });
      }
      expect(doc.components.headers['Retry-After']).toMatchObject({ required: true });
    });

    it('requires every field of the success envelopes and of the data they carry', () => {
      const seen = new Set<string>();
      const expectAllRequired = (schema: Schema, at: string) => {
        if (schema.$ref) {
          const name = schema.$ref.replace('#/components/schemas/', '');
          if (seen.has(name)) return;
          seen.add(name);
          expectAllRequired(doc.components.schemas[name], name);
          return;
        }
        for (const part of schema.allOf ?? []) expectAllRequired(part, at);
        if (schema.items) expectAllRequired(schema.items, `${at}[]`);
        if (!schema.properties) return;
        expect({ at, required: [...(schema.required ?? [])].sort() }).toEqual({
          at,
          required: Object.keys(schema.properties).sort(),
        });
        for (const [name, property] of Object.entries(schema.properties)) expectAllRequired(property, `${at}.${name}`);
      };
      for (const [method, path, operation] of operationsOf(doc)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!status.startsWith('2')) continue;
          const schema = response.content?.['application/json']?.schema;
          expect(schema).toBeDefined();
          expectAllRequired(schema!, `${method} ${path} ${status}`);
        }
      }
      expect([...seen]).toEqual(expect.arrayContaining(['UserResponse', 'LoginResponse', 'TokenPairResponse']));
    });

    it('requires the fields of the error envelope, with errorCode from the catalogue', () => {
      const envelope = doc.components.schemas.ErrorResponse;
      expect([...(envelope.required ?? [])].sort()).toEqual(['code', 'errorCode', 'message', 'timestamp', 'traceId']);
      expect(doc.components.schemas.ErrorCode.enum).toEqual(
        expect.arrayContaining(['VALIDATION_FAILED', 'INVALID_JSON', 'TOKEN_MISSING', 'KAKAO_UNAVAILABLE']),
      );
    });

    it('gives every error example the status text of its status and an errorCode its schema allows, in Korean', () => {
      for (const [method, path, operation] of operationsOf(doc)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const media = response.content?.['application/json'];
          if (!media?.examples) continue;
          const allowed = media.schema.allOf?.[1]?.properties?.errorCode?.enum;
          for (const example of Object.values(media.examples)) {
            const at = `${method} ${path} ${status} ${example.value.errorCode}`;
            expect({ at, code: example.value.code, allowed: allowed?.includes(example.value.errorCode) }).toEqual({
              at,
              code: { code: Number(status), message: STATUS_TEXT[Number(status)] ?? '게이트웨이 오류' },
              allowed: true,
            });
            expect(example.value.message).toMatch(/[가-힣]/);
          }
        }
      }
    });

    it('says security: [] on operations that take no token and bearer on those that read one', () => {
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      const security = Object.fromEntries(
        operationsOf(doc).map(([method, path, operation]) => [`${method} ${path}`, operation.security]),
      );
      const expected = {
        'post /api/auth/email/verification/send': [],
        'post /api/auth/email/verification/verify': [],
        'post /api/auth/signup': [],
        'post /api/auth/login': [],
        'post /api/auth/logout': BEARER_ONLY,
        'post /api/auth/refresh': [],
        // The access token is optional there (it may be missing or expired).
        'post /api/auth/reissue': [{ bearer: [] }, {}],
        'get /api/auth/me': BEARER_ONLY,
        'get /oauth2/authorization/{provider}': [],
        'get /api/auth/kakao': [],
        'get /login/oauth2/code/{provider}': [],
        'get /api/auth/kakao/callback': [],
        'post /api/auth/oauth2/token': [],
        'post /api/auth/social/kakao': [],
        'get /health': [],
      };
      // Routes added later are held to their declaration by the tests against the service below.
      expect(Object.fromEntries(Object.keys(expected).map((key) => [key, security[key]]))).toEqual(expected);
    });

    it('documents reissue for Swagger UI: bearer security, Refresh-Token as a header parameter, the new tokens as response headers', () => {
      const reissue = doc.paths[REISSUE].post;
      expect(reissue.parameters?.map((p) => [p.in, p.name, p.required])).toEqual([['header', 'Refresh-Token', true]]);
      expect(reissue.responses['200'].headers).toEqual({
        'X-Trace-Id': { $ref: '#/components/headers/X-Trace-Id' },
        Authorization: expect.objectContaining({ required: true }),
        'Refresh-Token': expect.objectContaining({ required: true }),
      });
      expect(
        reissue.responses['401'].content?.['application/json'].schema.allOf?.[1].properties?.errorCode.enum,
      ).toEqual(expect.arrayContaining(['EXPIRED_REFRESH_TOKEN', 'REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REVOKED']));
    });

    it('documents Location on every redirect and Set-Cookie on the social-login starts', () => {
      const redirects = operationsOf(doc).filter(([, , operation]) => operation.responses['302']);
      expect(redirects.map(([, path]) => path).sort()).toEqual(REDIRECTING);
      for (const [, path, operation] of redirects) {
        const headers = operation.responses['302'].headers ?? {};
        expect({ path, location: headers.Location }).toEqual({
          path,
          location: { $ref: '#/components/headers/Location' },
        });
        const start = path === '/api/auth/kakao' || path.startsWith('/oauth2/');
        // Only the start's success redirect sets the state cookie; its failure redirects (e.g. rate-limited) set none.
        expect({ path, cookie: headers['Set-Cookie']?.required }).toEqual({ path, cookie: start ? false : undefined });
      }
    });
  });

  describe('against the service', () => {
    it('reissues from a request built the way Swagger UI builds it: Authorize token from the security, Refresh-Token from the parameter', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const other = await logIn(t, user.email, user.password);
      const reissue = doc.paths[REISSUE].post;
      const fromDocument = (accessToken: string, refreshToken: string) => {
        const headers: Record<string, string> = {};
        for (const requirement of reissue.security ?? []) {
          for (const name of Object.keys(requirement)) {
            const scheme = doc.components.securitySchemes[name];
            if (scheme.type === 'http' && scheme.scheme === 'bearer') headers.Authorization = `Bearer ${accessToken}`;
          }
        }
        for (const parameter of reissue.parameters ?? []) {
          if (parameter.in === 'header' && parameter.name === 'Refresh-Token') headers[parameter.name] = refreshToken;
        }
        return headers;
      };

      // The access token of another session: refused, so the Authorization header did reach the service.
      const mismatched = await t.http.post(REISSUE).set(fromDocument(other.accessToken, login.refreshToken));
      expect({ status: mismatched.status, errorCode: mismatched.body.errorCode }).toEqual({
        status: 401,
        errorCode: 'REFRESH_TOKEN_INVALID',
      });

      const res = await t.http.post(REISSUE).set(fromDocument(login.accessToken, login.refreshToken));
      expect(res.status).toBe(200);
      expect(res.headers.authorization).toBe(`Bearer ${res.body.data.accessToken}`);
      expect(res.headers['refresh-token']).toBe(res.body.data.refreshToken);
      const me = await t.http.get(ME).set('Authorization', `Bearer ${res.body.data.accessToken}`);
      expect(me.body.data.id).toBe(user.id);
    });

    it('answers TOKEN_MISSING without a token exactly where the document says bearer is required, never where it says []', async () => {
      const outcomes: Record<string, string> = {};
      for (const [method, path, operation] of operationsOf(doc)) {
        const res = await send(t, method, urlOf(path, operation), operation);
        const key = `${method} ${path}`;
        const missing = res.body?.errorCode === 'TOKEN_MISSING';
        const declared = JSON.stringify(operation.security);
        if (declared === '[]') expect({ key, missing }).toEqual({ key, missing: false });
        if (declared === JSON.stringify(BEARER_ONLY)) expect({ key, missing }).toEqual({ key, missing: true });
        outcomes[key] = `${res.status} ${res.body?.errorCode ?? ''}`;
      }
      expect(outcomes[`get ${ME}`]).toBe('401 TOKEN_MISSING');
      expect(outcomes[`post ${LOGOUT}`]).toBe('400 TOKEN_MISSING');
    });

    it('answers 415 to a text body on every operation that documents it', async () => {
      for (const [method, path, operation] of operationsOf(doc)) {
        if (!operation.responses['415']) continue;
        const res = await t.http[method as 'post'](urlOf(path, operation))
          .set('Content-Type', 'text/plain')
          .send('hello');
        expect({ at: `${method} ${path}`, status: res.status, errorCode: res.body.errorCode }).toEqual({
          at: `${method} ${path}`,
          status: 415,
          errorCode: 'UNSUPPORTED_MEDIA_TYPE',
        });
      }
    });

    it('with RATE_LIMIT_MAX=1, answers 429 on exactly the operations that document it', async () => {
      const limited = await startTestApp({ RATE_LIMIT_MAX: '1' });
      try {
        expect((await limited.http.get(ME)).status).toBe(401);
        for (const [method, path, operation] of operationsOf(doc)) {
          const res = await send(limited, method, urlOf(path, operation), operation);
          const at = `${method} ${path}`;
          expect({ at, limited: res.status === 429 }).toEqual({
            at,
            limited: operation.responses['429'] !== undefined,
          });
          if (res.status === 429) expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
        }
      } finally {
        await limited.close();
      }
    });
  });

  describe('the response validator of the test kit', () => {
    const traced = { 'x-trace-id': 'e1e4456f40d648c7a24fc7d5cd85e4af', 'content-type': 'application/json' };
    const ok = { code: { code: 200, message: '성공' }, message: '성공', data: '로그아웃되었습니다.' };
    let validator: OpenApiResponseValidator;
    beforeAll(() => {
      validator = new OpenApiResponseValidator(doc);
    });

    it('accepts a documented answer', () => {
      expect(() => validator.check('post', LOGOUT, { status: 200, headers: traced, body: ok })).not.toThrow();
    });

    it('refuses an undocumented status', () => {
      expect(() => validator.check('post', LOGOUT, { status: 418, headers: traced, body: ok })).toThrow(
        /answered 418, which the document does not list/,
      );
    });

    it('refuses an undocumented field, a missing field and a wrong errorCode for the status', () => {
      expect(() =>
        validator.check('post', LOGOUT, { status: 200, headers: traced, body: { ...ok, extra: 1 } }),
      ).toThrow(/must NOT have additional properties/);
      expect(() =>
        validator.check('post', LOGOUT, { status: 200, headers: traced, body: { code: ok.code, message: '성공' } }),
      ).toThrow(/must have required property 'data'/);
      const error = {
        code: { code: 401, message: '인증 필요' },
        message: '만료된 토큰입니다.',
        traceId: traced['x-trace-id'],
        timestamp: '2025-11-14T15:45:00',
        errorCode: 'TOKEN_EXPIRED',
      };
      expect(() => validator.check('post', LOGOUT, { status: 401, headers: traced, body: error })).toThrow(
        /must be equal to one of the allowed values/,
      );
      expect(() => validator.check('get', ME, { status: 401, headers: traced, body: error })).not.toThrow();
    });

    it('refuses a response without X-Trace-Id, and a 429 without Retry-After', () => {
      expect(() =>
        validator.check('post', LOGOUT, { status: 200, headers: { 'content-type': 'application/json' }, body: ok }),
      ).toThrow(/without the documented header x-trace-id/);
      const limited = {
        code: { code: 429, message: '요청 한도 초과' },
        message: SHARED.TOO_MANY_REQUESTS[1],
        traceId: traced['x-trace-id'],
        timestamp: '2025-11-14T15:45:00',
        errorCode: 'TOO_MANY_REQUESTS',
      };
      expect(() => validator.check('get', ME, { status: 429, headers: traced, body: limited })).toThrow(
        /without the documented header retry-after/,
      );
    });

    it('holds requests that match no operation to the error envelope', () => {
      const notFound = {
        code: { code: 404, message: '찾을 수 없음' },
        message: '요청한 리소스를 찾을 수 없습니다.',
        traceId: traced['x-trace-id'],
        timestamp: '2025-11-14T15:45:00',
        errorCode: 'NOT_FOUND',
      };
      expect(() => validator.check('get', '/nowhere', { status: 404, headers: traced, body: notFound })).not.toThrow();
      expect(() => validator.check('get', '/nowhere', { status: 200, headers: traced, body: ok })).toThrow(
        /is no documented operation/,
      );
    });
  });
});
