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

const COMMON: HelmetOptions = {
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // HSTS belongs to the TLS terminator in front, which knows the domain's policy (docs/DECISIONS.md).
  strictTransportSecurity: false,
};

/**
 * Helmet's headers on every answer, errors and redirects included (mounted
 * before anything that can refuse a request), plus `Cache-Control: no-store`:
 * nearly every answer carries a token, a code or account data, and a default
 * that covers all of them cannot be forgotten by a new route. Swagger UI's
 * static files set their own Cache-Control after this.
 */
export function securityHeaders(docsPath: string): (req: Request, res: Response, next: NextFunction) => void {
  const api = helmet({
    ...COMMON,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  const docs = helmet({ ...COMMON, contentSecurityPolicy: { useDefaults: false, directives: DOCS_DIRECTIVES } });
  const docsPrefix = `${docsPath}/`;
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const path = req.path;
    (path === docsPath || path.startsWith(docsPrefix) ? docs : api)(req, res, next);
  };
}
