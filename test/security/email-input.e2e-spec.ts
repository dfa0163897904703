import { jest } from '@jest/globals';
import { expectError, signupBody, useTestApp } from '../support/kit.js';

jest.setTimeout(60_000);

const FORMAT = '올바른 이메일 형식이 아닙니다.';

/** Quoted local parts (RFC 5321) are valid emails; a control character in one is not (SPEC §1). */
const CONTROL_EMAILS: [string, string][] = [
  ['a quoted CR LF', '"evil\r\nBcc: x"@example.com'],
  ['a quoted LF', '"a\nb"@example.com'],
  ['a quoted NUL', '"a\u0000b"@example.com'],
  ['a quoted DEL', '"a\u007fb"@example.com'],
  ['a quoted tab', '"a\tb"@example.com'],
  ['U+001F unquoted', 'a\u001fb@example.com'],
  ['a trailing CR LF', 'user@example.com\r\n'],
  ['a leading tab', '\tuser@example.com'],
];

describe('emails with control characters', () => {
  const t = useTestApp();

  const controlRows = async () => {
    const rows = await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM users WHERE email ~ '[[:cntrl:]]'`);
    return Number(rows[0].n);
  };

  it.each(CONTROL_EMAILS)('refuses %s on send, verify, signup and login, and stores nothing', async (_label, email) => {
    const mails = t.mail.mails.length;
    const keys = await t.storeKeys();
    const requests = [
      t.http.post('/api/auth/email/verification/send').send({ email }),
      t.http.post('/api/auth/email/verification/verify').send({ email, verificationCode: '123456' }),
      t.http.post('/api/auth/signup').send(signupBody({ email })),
      t.http.post('/api/auth/login').send({ email, password: 'MyPassword123!' }),
    ];
    for (const res of await Promise.all(requests)) {
      const body = expectError(res, 400, 'VALIDATION_FAILED', FORMAT);
      expect(body.errors?.[0]).toEqual({ field: 'email', message: FORMAT });
    }
    expect(t.mail.mails.length).toBe(mails);
    expect((await t.storeKeys()).filter((key) => !key.startsWith('rate:'))).toEqual(
      keys.filter((key) => !key.startsWith('rate:')),
    );
    expect(await controlRows()).toBe(0);
  });

  it('still accepts a quoted local part without control characters', async () => {
    const email = '"john.doe"@example.com';
    const mails = t.mail.mails.length;
    const res = await t.http.post('/api/auth/email/verification/send').send({ email });
    expect(res.status).toBe(200);
    // The SMTP sink's parser shows the address without its quotes.
    expect((await t.mail.waitFor('john.doe@example.com', mails)).to).toHaveLength(1);
  });
});
