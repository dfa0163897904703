import { ExpressAdapter } from '@nestjs/platform-express';
import express, { type Response } from 'express';
import request from 'supertest';
import { JsonReplyExpressAdapter } from './json-reply.adapter.js';

interface Case {
  name: string;
  method: 'get' | 'head';
  body: unknown;
  status?: number;
  headers?: Record<string, string>;
  /** Set by the route before the reply. */
  contentType?: string;
  /** Whether the adapter answers itself (true) or hands the reply to Express (false). */
  shortcut: boolean;
}

const ENVELOPE = { code: { code: 200, message: '성공' }, message: '성공', data: { id: 1, nickname: '길동이' } };

const CASES: Case[] = [
  { name: 'an envelope', method: 'get', body: ENVELOPE, shortcut: true },
  { name: 'an envelope with 201', method: 'get', body: ENVELOPE, status: 201, shortcut: true },
  { name: 'an array', method: 'get', body: [1, '둘', null], shortcut: true },
  { name: 'HEAD of an envelope', method: 'head', body: ENVELOPE, shortcut: true },
  { name: 'no body', method: 'get', body: undefined, shortcut: false },
  { name: 'a string', method: 'get', body: 'text', shortcut: false },
  { name: 'bytes', method: 'get', body: Buffer.from('abc'), shortcut: false },
  { name: 'status 204', method: 'get', body: ENVELOPE, status: 204, shortcut: false },
  {
    name: 'a type the route set',
    method: 'get',
    body: ENVELOPE,
    contentType: 'application/problem+json',
    shortcut: false,
  },
  {
    name: 'a conditional request',
    method: 'get',
    body: ENVELOPE,
    headers: { 'If-None-Match': '*' },
    shortcut: false,
  },
];

/** One app answering through Nest's own ExpressAdapter, one through ours; ours counts res.json calls. */
function apps(testCase: Case) {
  const expressCalls = { json: 0 };
  const viaExpress = express();
  const viaAdapter = express();
  viaAdapter.set('etag', false);
  viaExpress.set('etag', false);
  const adapter = new JsonReplyExpressAdapter(viaAdapter);
  const prepare = (res: Response) => {
    if (testCase.contentType) res.setHeader('Content-Type', testCase.contentType);
  };
  const nest = new ExpressAdapter(viaExpress);
  viaExpress.get('/', (_req, res) => {
    prepare(res);
    nest.reply(res, testCase.body, testCase.status);
  });
  viaAdapter.get('/', (_req, res) => {
    prepare(res);
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      expressCalls.json++;
      return json(body);
    };
    adapter.reply(res, testCase.body, testCase.status);
  });
  return { viaExpress, viaAdapter, expressCalls };
}

function answer(app: express.Express, testCase: Case) {
  const call = testCase.method === 'head' ? request(app).head('/') : request(app).get('/');
  return call.set(testCase.headers ?? {});
}

const comparable = (res: request.Response) => {
  const headers: Record<string, unknown> = { ...res.headers };
  delete headers.date;
  return { status: res.status, headers, text: res.text };
};

describe('JsonReplyExpressAdapter', () => {
  it.each(CASES)("answers $name exactly as Nest's Express adapter does", async (testCase) => {
    const { viaExpress, viaAdapter, expressCalls } = apps(testCase);
    const [expected, actual] = [await answer(viaExpress, testCase), await answer(viaAdapter, testCase)];
    expect(comparable(actual)).toEqual(comparable(expected));
    if (testCase.method === 'get' && testCase.status === undefined && testCase.shortcut) {
      expect(actual.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(actual.text).toBe(JSON.stringify(testCase.body));
    }
    // The shortcut never reaches res.json; Nest's adapter answers every other object through it.
    const objectBody = typeof testCase.body === 'object' && testCase.body !== null;
    expect(expressCalls.json).toBe(testCase.shortcut || !objectBody ? 0 : 1);
  });
});
