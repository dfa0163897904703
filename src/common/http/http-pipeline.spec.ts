import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { type Handler, inOrder, isUnder } from './http-pipeline.js';

describe('isUnder', () => {
  it.each([
    ['/api/auth', true],
    ['/api/auth/', true],
    ['/api/auth/login', true],
    ['/API/Auth/me', true],
    ['/api/authx', false],
    ['/api', false],
    ['/health', false],
  ])('%s under /api/auth: %s', (path, expected) => {
    expect(isUnder(path, '/api/auth')).toBe(expected);
  });
});

describe('inOrder', () => {
  function appWith(handlers: Handler[]) {
    const app = express();
    app.use(inOrder(handlers));
    app.get('/x', (req, res) => {
      res.json({ seen: (req as Request & { seen?: string[] }).seen ?? [] });
    });
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(418).json({ error: error.message });
    });
    return app;
  }
  const mark =
    (name: string): Handler =>
    (req, _res, next) => {
      const r = req as Request & { seen?: string[] };
      (r.seen ??= []).push(name);
      next();
    };

  it('runs every handler in order, then the routes', async () => {
    const res = await request(appWith([mark('a'), mark('b'), mark('c')])).get('/x');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ seen: ['a', 'b', 'c'] });
  });

  it('hands an error passed to next to the error handler and skips the rest', async () => {
    const fail: Handler = (_req, _res, next) => next(new Error('refused'));
    let after = false;
    const res = await request(
      appWith([
        mark('a'),
        fail,
        (_req, _res, next) => {
          after = true;
          next();
        },
      ]),
    ).get('/x');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ error: 'refused' });
    expect(after).toBe(false);
  });

  it('hands a thrown error to the error handler', async () => {
    const res = await request(
      appWith([
        () => {
          throw new Error('thrown');
        },
      ]),
    ).get('/x');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ error: 'thrown' });
  });

  it('lets a handler answer without calling next', async () => {
    const res = await request(appWith([(_req, res) => void res.status(204).end(), mark('never')])).get('/x');
    expect(res.status).toBe(204);
  });
});
