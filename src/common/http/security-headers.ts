import type { NextFunction, Request, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** The JSON API's policy (SPEC §1): nothing may load, nothing may frame it. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Swagger UI's policy: its scripts, styles and icons come from /api/docs/*
 * ('self'); its page carries inline <style> blocks and a style attribute, so
 * styles (never scripts) may be inline; "Try it out" calls this origin.
 * Still never framed.
 */
const DOCS_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const COMMON = {
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // HSTS belongs to the TLS terminator in front, which knows the domain's policy (docs/DECISIONS.md).
  strictTransportSecurity: false,
} satisfies HelmetOptions;

/**
 * Helmet's defaults that act only on an HTML document or on clients long gone,
 * never on a JSON answer: the opener of a window (COOP) and its agent cluster
 * are properties of a document; DNS prefetching is of a page's links;
 * X-Download-Options was for Internet Explorer 8; the cross-domain policy file
 * was for Flash and Acrobat; X-XSS-Protection only switched off a filter that
 * browsers have removed. The API's answers leave them out (OWASP's REST
 * Security Cheat Sheet lists what an API sends); Swagger UI's page, an HTML
 * document, keeps them. CORP stays on both: it guards any response against
 * being read into another origin's process.
 */
export const DOCUMENT_ONLY = {
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} satisfies HelmetOptions;

/** What a helmet middleware does to a response: the headers it sets, in order, and those it removes. */
export interface HeaderSet {
  set: readonly (readonly [name: string, value: string])[];
  removed: readonly string[];
}

/**
 * Runs a helmet middleware once, against a response that only records, and
 * returns what it did. Helmet's headers depend on its options alone (none of
 * ours is computed per request, such as a CSP nonce), so what it sets for one
 * request it sets for every request; reading them once spares each request
 * helmet's eleven middleware calls.
 */
export function recordHeaders(
  middleware: (req: Request, res: Response, next: (error?: unknown) => void) => void,
): HeaderSet {
  const set: [string, string][] = [];
  const removed: string[] = [];
  let called = false;
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      if (typeof value !== 'string') throw new Error(`security headers: ${name} is not a plain string`);
      set.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  middleware({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error instanceof Error) throw error;
    if (error) throw new Error('security headers: helmet refused its options');
    called = true;
  });
  // A middleware that answered asynchronously or not at all would depend on the request.
  if (!called) throw new Error('security headers: helmet did not finish synchronously');
  return { set, removed };
}

function applier({ set, removed }: HeaderSet): (res: Response) => void {
  return (res) => {
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]);
  };
}

/**
 * Helmet's headers on every answer, errors and redirects included (mounted
 * before anything that can refuse a request), plus `Cache-Control: no-store`:
 * nearly every answer carries a token, a code or account data, and a default
 * that covers all of them cannot be forgotten by a new route. Swagger UI's
 * static files set their own Cache-Control after this.
 */
export function securityHeaders(docsPath: string): (req: Request, res: Response, next: NextFunction) => void {
  const api = applier(
    recordHeaders(
      helmet({
        ...COMMON,
        ...DOCUMENT_ONLY,
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        },
      }),
    ),
  );
  const docs = applier(
    recordHeaders(helmet({ ...COMMON, contentSecurityPolicy: { useDefaults: false, directives: DOCS_DIRECTIVES } })),
  );
  const docsPrefix = `${docsPath}/`;
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const path = req.path;
    (path === docsPath || path.startsWith(docsPrefix) ? docs : api)(res);
    next();
  };
}
