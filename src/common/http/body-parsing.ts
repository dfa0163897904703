import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { AppException } from '../errors/app.exception.js';

const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Drops keys that could reach an object's prototype during transformation. */
function reviver(key: string, value: unknown): unknown {
  return POISONED_KEYS.has(key) ? undefined : value;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

function isJson(req: Request): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  const mime = type.split(';', 1)[0].trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/**
 * JSON bodies only (SPEC §1): a non-empty body of another type is 415, a
 * malformed one 400, an oversized one 413. A JSON value that is not an object
 * is read as an empty object, so validation names the missing fields.
 */
export function jsonBodyParsing(limit: string): RequestHandler[] {
  // Not strict: a bare string, number or null is valid JSON too, and is read as {} below like an array.
  const parse = express.json({ limit, strict: false, reviver, type: () => true });
  const guard = (req: Request, _res: Response, next: NextFunction) => {
    if (!hasBody(req)) {
      req.body = {};
      return next();
    }
    if (!isJson(req)) return next(new AppException('UNSUPPORTED_MEDIA_TYPE'));
    next();
  };
  const normalise = (req: Request, _res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) req.body = {};
    next();
  };
  return [guard, parse, normalise];
}
