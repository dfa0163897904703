import { randomBytes } from 'node:crypto';
import { codeFrom } from './smtp-sink.js';
import type { TestApp } from './test-app.js';

export const SEND_PATH = '/api/auth/email/verification/send';
export const VERIFY_PATH = '/api/auth/email/verification/verify';
export const SIGNUP = '/api/auth/signup';
export const LOGIN = '/api/auth/login';
export const LOGOUT = '/api/auth/logout';
export const REFRESH = '/api/auth/refresh';
export const REISSUE = '/api/auth/reissue';
export const ME = '/api/auth/me';

const suffix = () => randomBytes(6).toString('hex');

/** A unique, valid email for one test. */
export const uniqueEmail = (label = 'user') => `${label}-${suffix()}@example.com`;

/** A unique nickname of at most 10 characters. */
export const uniqueNickname = () => `n${suffix().slice(0, 9)}`;

/** A valid, unique email of exactly `length` characters (64-character local part). */
export function emailOfLength(length: number): string {
  const local = `u${randomBytes(6).toString('hex')}`.padEnd(64, 'a');
  return `${local}@${'b'.repeat(length - local.length - 1 - 4)}.com`;
}

export interface SignedUp {
  email: string;
  password: string;
  nickname: string;
  id: number;
}

/** Sends a verification code and returns it, read from the mail the SMTP sink received. */
export async function sendCode(t: TestApp, email: string): Promise<string> {
  const before = t.mail.mails.length;
  const res = await t.http.post(SEND_PATH).send({ email });
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
  return codeFrom(await t.mail.waitFor(email.trim(), before));
}

/** A six-digit code that is surely not `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** Sends a code, reads it from the mail, verifies it: the email may now sign up. */
export async function verifyEmail(t: TestApp, email: string): Promise<void> {
  const before = t.mail.mails.length;
  const sent = await t.http.post(SEND_PATH).send({ email });
  if (sent.status !== 200) throw new Error(`send failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  const code = codeFrom(await t.mail.waitFor(email, before));
  const verified = await t.http.post(VERIFY_PATH).send({ email, verificationCode: code });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${JSON.stringify(verified.body)}`);
}

/** A complete, valid signup body for a fresh email and nickname. */
export function signupBody(overrides: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail(),
    password: 'MyPassword123!',
    name: '홍길동',
    nickname: uniqueNickname(),
    birthDate: '2000-01-01',
    addressSido: '서울특별시',
    addressGugun: '강남구',
    ...overrides,
  };
}

/** Verifies the email and signs up; returns what logging in needs. */
export async function signUp(t: TestApp, overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const body = signupBody(overrides);
  await verifyEmail(t, body.email);
  const res = await t.http.post(SIGNUP).send(body);
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { email: body.email, password: body.password, nickname: body.nickname, id: res.body.data.id as number };
}

export async function logIn(t: TestApp, email: string, password: string) {
  const res = await t.http.post(LOGIN).send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as { accessToken: string; refreshToken: string; user: { id: number } };
}
