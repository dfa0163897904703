import { expectError, signupBody, uniqueEmail, useTestApp, verifyEmail } from '../support/kit.js';

const LENGTH_MESSAGE = '비밀번호는 8자 이상 128자 이하여야 합니다.';

/** SPEC §2 "Passwords": every character counts, NFC, bcrypt, 8–128 characters, no account oracle. */
describe('passwords', () => {
  const t = useTestApp();

  const login = (email: string, password: string) => t.http.post('/api/auth/login').send({ email, password });

  async function signUpWith(password: string): Promise<string> {
    const email = uniqueEmail('pw');
    await verifyEmail(t, email);
    const res = await t.http.post('/api/auth/signup').send(signupBody({ email, password }));
    expect(res.status).toBe(201);
    return email;
  }

  async function storedHash(email: string): Promise<string> {
    const rows = await t.db.query<{ hash: string }[]>(
      `SELECT password_hash AS hash FROM users WHERE email = $1 AND provider = 'local'`,
      [email],
    );
    expect(rows).toHaveLength(1);
    return rows[0].hash;
  }

  it('tells apart two passwords that share their first 72 bytes (24 Hangul characters)', async () => {
    const prefix = '가나다라마바사아자차카타파하거너더러머버서어저처';
    expect(Buffer.byteLength(prefix)).toBe(72);
    const first = `${prefix}첫번째끝`;
    const second = `${prefix}두번째끝`;
    const firstEmail = await signUpWith(first);
    const secondEmail = await signUpWith(second);

    expectError(await login(firstEmail, second), 401, 'INVALID_CREDENTIALS');
    expectError(await login(secondEmail, first), 401, 'INVALID_CREDENTIALS');
    expectError(await login(firstEmail, prefix), 401, 'INVALID_CREDENTIALS');
    expect((await login(firstEmail, first)).status).toBe(200);
    expect((await login(secondEmail, second)).status).toBe(200);
  });

  it('signs up and logs in with a 40-Hangul-character password, and only with all of it', async () => {
    const password = '우리집강아지는복슬강아지어머니가빨래하러가면멍멍멍쫄랑쫄랑따라가요냐옹이는야옹야';
    expect([...password]).toHaveLength(40);
    const email = await signUpWith(password);

    expect((await login(email, password)).status).toBe(200);
    expectError(await login(email, password.slice(0, 39)), 401, 'INVALID_CREDENTIALS');
    expectError(await login(email, `${password.slice(0, 39)}다`), 401, 'INVALID_CREDENTIALS');
  });

  it('logs in with the same password typed in NFC or NFD, whichever form signed up', async () => {
    const nfc = '한글비밀번호입니다';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);

    const signedUpNfc = await signUpWith(nfc);
    expect((await login(signedUpNfc, nfc)).status).toBe(200);
    expect((await login(signedUpNfc, nfd)).status).toBe(200);

    const signedUpNfd = await signUpWith(nfd);
    expect((await login(signedUpNfd, nfc)).status).toBe(200);
    expect((await login(signedUpNfd, nfd)).status).toBe(200);
  });

  it('stores a bcrypt hash at BCRYPT_COST, never the password, and answers no hash', async () => {
    const password = 'Plain-Text-Never-Stored-42';
    const email = uniqueEmail('pw');
    await verifyEmail(t, email);
    const signup = await t.http.post('/api/auth/signup').send(signupBody({ email, password }));
    expect(signup.status).toBe(201);

    const hash = await storedHash(email);
    const cost = t.env.BCRYPT_COST.padStart(2, '0');
    expect(hash).toMatch(new RegExp(`^\\$2b\\$${cost}\\$[./A-Za-z0-9]{53}$`));
    const rows = await t.db.query<Record<string, unknown>[]>(`SELECT * FROM users WHERE email = $1`, [email]);
    expect(JSON.stringify(rows)).not.toContain(password);

    const loggedIn = await login(email, password);
    for (const body of [signup.body, loggedIn.body]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(password);
      expect(text).not.toContain(hash);
      expect(text).not.toMatch(/password/i);
    }
  });

  it('accepts passwords of 8 and 128 characters, counting characters, not bytes or UTF-16 units', async () => {
    for (const password of ['Abcd123!', 'Aa1!'.repeat(32), '가'.repeat(128), '🐶'.repeat(8), '🐶'.repeat(128)]) {
      const email = await signUpWith(password);
      expect((await login(email, password)).status).toBe(200);
    }
  });

  it('refuses passwords of 7 and 129 characters and keeps the verified email usable', async () => {
    const email = uniqueEmail('pw');
    await verifyEmail(t, email);

    const refused = [
      'Abc123!',
      `${'Aa1!'.repeat(32)}x`,
      '가'.repeat(129),
      '🐶'.repeat(7),
      '🐶'.repeat(129),
      // 7 syllables are 21 code points in NFD; the NFC form is what counts.
      '가나다라마바사'.normalize('NFD'),
    ];
    for (const password of refused) {
      const res = await t.http.post('/api/auth/signup').send(signupBody({ email, password }));
      const body = expectError(res, 400, 'VALIDATION_FAILED', LENGTH_MESSAGE);
      expect(body.errors).toEqual([{ field: 'password', message: LENGTH_MESSAGE }]);
    }
    const rows = await t.db.query<{ count: string }[]>(`SELECT count(*)::text AS count FROM users WHERE email = $1`, [
      email,
    ]);
    expect(rows[0].count).toBe('0');

    expect((await t.http.post('/api/auth/signup').send(signupBody({ email, password: 'Abcd123!' }))).status).toBe(201);
  });

  it('answers an unknown email and a wrong password with the same body, apart from traceId and timestamp', async () => {
    const email = await signUpWith('Correct-Horse-1');

    const unknown = await login(uniqueEmail('nobody'), 'Correct-Horse-1');
    const wrong = await login(email, 'Wrong-Horse-1');

    expectError(unknown, 401, 'INVALID_CREDENTIALS', '이메일 또는 비밀번호가 일치하지 않습니다.');
    expectError(wrong, 401, 'INVALID_CREDENTIALS', '이메일 또는 비밀번호가 일치하지 않습니다.');
    const comparable = (body: Record<string, unknown>) => ({ ...body, traceId: undefined, timestamp: undefined });
    expect(comparable(unknown.body as Record<string, unknown>)).toEqual(
      comparable(wrong.body as Record<string, unknown>),
    );
    const headerNames = (res: typeof unknown) =>
      Object.keys(res.headers)
        .filter((name) => !['date', 'x-trace-id', 'etag'].includes(name))
        .sort();
    expect(headerNames(unknown)).toEqual(headerNames(wrong));
  });
});
