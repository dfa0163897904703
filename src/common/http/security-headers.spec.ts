import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { DOCUMENT_ONLY, recordHeaders, securityHeaders } from './security-headers.js';

/** The headers of a real answer, without those Node and Express add themselves. */
function ownHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const own = { ...headers };
  for (const name of ['date', 'connection', 'keep-alive', 'content-type', 'content-length', 'x-powered-by', 'etag']) {
    delete own[name];
  }
  return own;
}

function appWith(middleware: express.RequestHandler) {
  const app = express();
  app.use(middleware);
  app.get(/.*/, (_req, res) => {
    res.json({});
  });
  return app;
}

describe('recordHeaders', () => {
  it('reads what a helmet middleware sets, in order, and what it removes', () => {
    const recorded = recordHeaders(
      helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } } }),
    );

    expect(recorded.set[0]).toEqual(['Content-Security-Policy', "default-src 'none'"]);
    expect(recorded.set.map(([name]) => name)).toContain('X-Content-Type-Options');
    expect(recorded.removed).toEqual(['X-Powered-By']);
  });

  it('refuses a middleware that does not finish at once (its headers could depend on the request)', () => {
    expect(() => recordHeaders(() => undefined)).toThrow('did not finish synchronously');
  });

  it('refuses a middleware that passes an error on', () => {
    expect(() => recordHeaders((_req, _res, next) => next(new Error('bad option')))).toThrow('bad option');
  });
});

describe('securityHeaders', () => {
  it('answers the API with the headers that act on a JSON answer, and Swagger UI with the document ones too', async () => {
    const app = appWith(securityHeaders('/api/docs'));
    const api = ownHeaders((await request(app).get('/api/auth/me')).headers);
    const docs = ownHeaders((await request(app).get('/api/docs')).headers);

    expect(Object.keys(api).sort()).toEqual([
      'cache-control',
      'content-security-policy',
      'cross-origin-resource-policy',
      'referrer-policy',
      'x-content-type-options',
      'x-frame-options',
    ]);
    expect(docs).toMatchObject({
      'cross-origin-opener-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
  });

  it.each(['/api/auth/me', '/api/docs', '/api/docs/swagger-ui.css', '/api/docsx'])(
    '%s: the same headers as helmet run on the request itself, plus Cache-Control',
    async (path) => {
      const docs = path === '/api/docs' || path.startsWith('/api/docs/');
      const served = await request(appWith(securityHeaders('/api/docs'))).get(path);
      const direct = await request(
        appWith((req, res, next) => {
          res.setHeader('Cache-Control', 'no-store');
          helmet({
            xFrameOptions: { action: 'deny' },
            referrerPolicy: { policy: 'no-referrer' },
            strictTransportSecurity: false,
            ...(docs ? {} : DOCUMENT_ONLY),
            contentSecurityPolicy: {
              useDefaults: false,
              directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
            },
          })(req, res, next);
        }),
      ).get(path);

      const { 'content-security-policy': servedCsp, ...servedRest } = ownHeaders(served.headers);
      const { 'content-security-policy': directCsp, ...directRest } = ownHeaders(direct.headers);
      expect(servedRest).toEqual(directRest);
      if (docs) {
        // Swagger UI's own policy: its scripts from this origin, still never framed.
        expect(String(servedCsp).split(';')).toEqual(
          expect.arrayContaining(["script-src 'self'", "frame-ancestors 'none'"]),
        );
      } else {
        expect(servedCsp).toBe(directCsp);
      }
    },
  );
});
