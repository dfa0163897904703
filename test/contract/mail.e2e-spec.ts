import { jest } from '@jest/globals';
import { codeFrom, SEND_PATH, uniqueEmail, useTestApp, VERIFY_PATH } from '../support/kit.js';

/** The verification mail (SPEC §2): over real SMTP, and as three plain lines on stdout without SMTP. */

describe('verification mail over SMTP', () => {
  const t = useTestApp();

  it('delivers to the normalised address a Korean mail with the code in its text and HTML, and the code verifies', async () => {
    const email = uniqueEmail('Mixed.Case');
    const before = t.mail.mails.length;

    const res = await t.http.post(SEND_PATH).send({ email: `  ${email.toUpperCase()} ` });

    expect(res.status).toBe(200);
    const mail = await t.mail.waitFor(email.toLowerCase(), before);
    expect(mail.to).toEqual([email.toLowerCase()]);
    expect(mail.from).toBe('no-reply@localhost');
    expect(mail.subject).toMatch(/[\uAC00-\uD7A3]/);
    expect(mail.subject).toContain('인증');
    const code = codeFrom(mail);
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.text).toContain(`인증코드: ${code}`);
    expect(mail.html).toContain(code);
    expect(mail.html).toMatch(/[\uAC00-\uD7A3]/);

    const verified = await t.http.post(VERIFY_PATH).send({ email: email.toUpperCase(), verificationCode: code });
    expect(verified.status).toBe(200);
  });

  it('sends one mail per request, to the requester only', async () => {
    const email = uniqueEmail('single');
    const before = t.mail.mails.length;

    await t.http.post(SEND_PATH).send({ email });
    await t.mail.waitFor(email, before);

    expect(t.mail.mails.slice(before).filter((mail) => mail.to.includes(email))).toHaveLength(1);
    expect(t.mail.mails.slice(before).every((mail) => mail.to.length === 1)).toBe(true);
  });
});

describe('verification code without SMTP (console mode)', () => {
  // The test app always points SMTP_URL at its sink; blank means "not configured".
  const t = useTestApp({ SMTP_URL: '' });
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('prints the three plain lines of SPEC §2 with the normalised email, sends no mail, and the code verifies', async () => {
    const email = uniqueEmail('Console');
    const before = t.mail.mails.length;

    const res = await t.http.post(SEND_PATH).send({ email: ` ${email.toUpperCase()}  ` });

    expect(res.status).toBe(200);
    const lines = written.join('').split('\n');
    const start = lines.indexOf('=== 이메일 인증코드 (개발 모드) ===');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines[start + 1]).toBe(`이메일: ${email.toLowerCase()}`);
    expect(lines[start + 2]).toMatch(/^인증코드: \d{6}$/);
    expect(t.mail.mails.length).toBe(before);

    const code = lines[start + 2].slice('인증코드: '.length);
    jest.restoreAllMocks();
    const verified = await t.http.post(VERIFY_PATH).send({ email, verificationCode: code });
    expect(verified.status).toBe(200);
  });
});
