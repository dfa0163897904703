import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { AppException } from '../errors/app.exception.js';

const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Routes that also take an `application/x-www-form-urlencoded` body: Kakao's unlink callback (SPEC §5). */
export const FORM_BODY_PATHS: ReadonlySet<string> = new Set(['/api/auth/kakao/unlink']);

/** Drops keys that could reach an object's prototype during transformation. */
function reviver(key: string, value: unknown): unknown {
  return POISONED_KEYS.has(key) ? undefined : value;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

function isForm(req: Request): boolean {
  const type = req.headers['content-type'];
  return (
    type !== undefined &&
    type.split(';', 1)[0].trim().toLowerCase() === 'application/x-www-form-urlencoded' &&
    FORM_BODY_PATHS.has(req.path)
  );
}

function isJson(req: Request): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  const mime = type.split(';', 1)[0].trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

function dropPoisoned(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !POISONED_KEYS.has(key)));
}

/**
 * JSON bodies only (SPEC §1), and form bodies on FORM_BODY_PATHS: a non-empty body of another type is 415, a
 * malformed one 400, an oversized one 413. A JSON value that is not an object
 * is read as an empty object, so validation names the missing fields.
 */
export function jsonBodyParsing(limit: string): RequestHandler[] {
  // Not strict: a bare string, number or null is valid JSON too, and is read as {} below like an array.
  const parseJson = express.json({ limit, strict: false, reviver, type: () => true });
  const parseForm = express.urlencoded({ limit, extended: false, type: () => true });
  const parse = (req: Request, res: Response, next: NextFunction) =>
    isForm(req) ? parseForm(req, res, next) : parseJson(req, res, next);
  const guard = (req: Request, _res: Response, next: NextFunction) => {
    if (!hasBody(req)) {
      req.body = {};
      return next();
    }
    if (!isJson(req) && !isForm(req)) return next(new AppException('UNSUPPORTED_MEDIA_TYPE'));
    next();
  };
  const normalise = (req: Request, _res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) req.body = {};
    else if (isForm(req)) req.body = dropPoisoned(body as Record<string, unknown>);
    next();
  };
  return [guard, parse, normalise];
}
