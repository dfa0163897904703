import {
  bearer,
  claimsOf,
  codeFrom,
  logIn,
  refreshRows,
  sessionById,
  signUp,
  signupBody,
  startTestApp,
  tally,
  uniqueEmail,
  uniqueNickname,
  useRealServices,
  useTestApp,
  verifyEmail,
} from '../support/kit.js';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

/**
 * Waits until a statement starting with `prefix` waits for a lock. `client` must not be in a transaction:
 * PostgreSQL shows a transaction the same pg_stat_activity throughout.
 */
async function waitForLockWait(client: pg.Client, prefix: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1 || '%'`,
      [prefix],
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no statement starting with "${prefix}" waited for a lock within 5 s`);
}

/**
 * Real concurrent requests against the listening server: every race SPEC §2
 * says has exactly one winner, on the embedded parts and on PostgreSQL/Redis.
 */
describe('concurrent use of one-time secrets', () => {
  // Production's bcrypt cost: hashing before the insert keeps concurrent signups in flight together.
  const t = useTestApp({ BCRYPT_COST: '10' });

  /** Sends a code to a fresh email and returns it, read from the mail. */
  async function mailedCode(email: string): Promise<string> {
    const before = t.mail.mails.length;
    const sent = await t.http.post('/api/auth/email/verification/send').send({ email });
    expect(sent.status).toBe(200);
    return codeFrom(await t.mail.waitFor(email, before));
  }

  const verify = (email: string, verificationCode: string) =>
    t.http.post('/api/auth/email/verification/verify').send({ email, verificationCode });

  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  describe('POST /api/auth/refresh', () => {
    it('lets exactly one of 20 concurrent refreshes with one token win, spends it once and keeps the session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const { jti, sid } = claimsOf(login.refreshToken);

      const answers = await Promise.all(
        Array.from({ length: 20 }, () => t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken })),
      );

      expect(tally(answers)).toEqual({ '200': 1, '400 REFRESH_TOKEN_REVOKED': 19 });
      const winner = answers.find((res) => res.status === 200)!.body.data as {
        accessToken: string;
        refreshToken: string;
      };
      const successor = claimsOf(winner.refreshToken);
      expect(successor.sid).toBe(sid);

      const rows = await refreshRows(t, sid);
      expect(rows).toHaveLength(2);
      const spent = rows.find((row) => row.jti === jti)!;
      expect(spent.spentAt).toBeInstanceOf(Date);
      expect(spent.replacedBy).toBe(successor.jti);
      expect(rows.find((row) => row.jti === successor.jti)).toMatchObject({ spentAt: null, replacedBy: null });
      // The 19 losers came within the grace window: a benign race, not theft.
      expect(await sessionById(t, sid)).toMatchObject({ revokedAt: null, revokedReason: null });

      const me = await t.http.get('/api/auth/me').set(bearer(winner.accessToken));
      expect(me.status).toBe(200);
      expect(me.body.data.id).toBe(user.id);
      const next = await t.http.post('/api/auth/refresh').send({ refreshToken: winner.refreshToken });
      expect(next.status).toBe(200);
    });

    it('answers each of many sessions refreshing at once by its own token: one win each, losers refused', async () => {
      const user = await signUp(t);
      const logins = [];
      for (let i = 0; i < 12; i++) logins.push(await logIn(t, user.email, user.password));
      const [loggedOut, rotated, ...live] = logins;
      expect((await t.http.post('/api/auth/logout').set(bearer(loggedOut.accessToken))).status).toBe(200);
      const first = await t.http.post('/api/auth/refresh').send({ refreshToken: rotated.refreshToken });
      expect(first.status).toBe(200);

      // Every live token twice, plus a logged-out session's token and a spent one, all in flight together.
      const presented = [...live, ...live, loggedOut, rotated].map((login) => login.refreshToken);
      const answers = await Promise.all(
        presented.map((refreshToken) => t.http.post('/api/auth/refresh').send({ refreshToken })),
      );

      expect(tally(answers)).toEqual({ '200': live.length, '400 REFRESH_TOKEN_REVOKED': live.length + 2 });
      for (const login of live) {
        const { jti, sid } = claimsOf(login.refreshToken);
        const wins = answers.filter((res, i) => presented[i] === login.refreshToken && res.status === 200);
        expect(wins).toHaveLength(1);
        const successor = claimsOf((wins[0].body.data as { refreshToken: string }).refreshToken);
        expect(successor.sid).toBe(sid);
        const rows = await refreshRows(t, sid);
        expect(rows).toHaveLength(2);
        expect(rows.find((row) => row.jti === jti)).toMatchObject({
          spentAt: expect.any(Date),
          replacedBy: successor.jti,
        });
        expect(rows.find((row) => row.jti === successor.jti)).toMatchObject({ spentAt: null, replacedBy: null });
        expect(await sessionById(t, sid)).toMatchObject({ revokedAt: null, lastRefreshedAt: expect.any(Date) });
      }
      // Nothing was spent for the logged-out session, and the spent token kept its single successor.
      expect((await refreshRows(t, claimsOf(loggedOut.refreshToken).sid)).filter((row) => row.spentAt)).toHaveLength(0);
      expect(await refreshRows(t, claimsOf(rotated.refreshToken).sid)).toHaveLength(2);
    });

    // Two instances of the service share one PostgreSQL and one Redis only with the real parts.
    (useRealServices ? it : it.skip)('lets exactly one of 20 refreshes spread over two instances win', async () => {
      const second = await startTestApp({}, { join: t });
      try {
        const user = await signUp(t);
        const login = await logIn(t, user.email, user.password);
        const apps = [t, second];

        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            apps[i % 2].http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken }),
          ),
        );

        expect(tally(answers)).toEqual({ '200': 1, '400 REFRESH_TOKEN_REVOKED': 19 });
        const rows = await refreshRows(t, claimsOf(login.refreshToken).sid);
        expect(rows.filter((row) => row.spentAt !== null)).toHaveLength(1);
        expect(rows).toHaveLength(2);
      } finally {
        await second.close();
      }
    });

    // A deadlock needs two PostgreSQL connections; the embedded database has one.
    (useRealServices ? it : it.skip)(
      'retries a refresh that PostgreSQL aborted to break a deadlock, and spends the token once',
      async () => {
        const user = await signUp(t);
        const login = await logIn(t, user.email, user.password);
        const { jti, sid } = claimsOf(login.refreshToken);
        // Another transaction holds the session's row, so the refresh locks its token and then waits on the
        // session; that transaction then asks for the token's row: a cycle. It waits longer before checking
        // for deadlocks than the refresh does (PostgreSQL's default, 1 s), so the refresh is the one aborted,
        // and its retry waits for that transaction to commit.
        const other = new pg.Client({ connectionString: t.env.DATABASE_URL });
        const monitor = new pg.Client({ connectionString: t.env.DATABASE_URL });
        await other.connect();
        await monitor.connect();
        try {
          await other.query('BEGIN');
          await other.query("SET LOCAL deadlock_timeout = '20s'");
          await other.query("SET LOCAL statement_timeout = '30s'");
          await other.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [sid]);

          const refreshed = t.http
            .post('/api/auth/refresh')
            .send({ refreshToken: login.refreshToken })
            .then((res) => res);
          await waitForLockWait(monitor, 'WITH req AS');
          const tokenLocked = other.query('SELECT 1 FROM refresh_tokens WHERE jti = $1 FOR UPDATE', [jti]);
          // The refresh is aborted, which frees the token's row; then its retry waits for this transaction.
          await tokenLocked;
          // This transaction got the token's row while the refresh had not answered: PostgreSQL aborted it.
          expect(await Promise.race([refreshed.then(() => 'answered'), delay(50).then(() => 'waiting')])).toBe(
            'waiting',
          );
          await waitForLockWait(monitor, 'WITH req AS');
          await other.query('COMMIT');

          const res = await refreshed;
          expect(res.status).toBe(200);
          const successor = claimsOf((res.body.data as { refreshToken: string }).refreshToken);
          const rows = await refreshRows(t, sid);
          expect(rows).toHaveLength(2);
          expect(rows.find((row) => row.jti === jti)).toMatchObject({ replacedBy: successor.jti });
          expect(rows.find((row) => row.jti === successor.jti)).toMatchObject({ spentAt: null });
        } finally {
          await other.query('ROLLBACK').catch(() => undefined);
          await other.end();
          await monitor.end();
        }
      },
    );
  });

  describe('POST /api/auth/email/verification/verify', () => {
    it('accepts the right code once when 8 requests present it at the same time', async () => {
      const email = uniqueEmail('race-verify');
      const code = await mailedCode(email);

      const answers = await Promise.all(Array.from({ length: 8 }, () => verify(email, code)));

      const counts = tally(answers);
      expect(counts['200']).toBe(1);
      // The others find the code consumed, or (each try counting before the comparison) the tries used up.
      const refusals = Object.keys(counts).filter((key) => key !== '200');
      expect(
        refusals.every((key) => ['400 VERIFICATION_CODE_EXPIRED', '400 VERIFICATION_ATTEMPTS_EXCEEDED'].includes(key)),
      ).toBe(true);
      // One ticket: the email can sign up once.
      const first = await t.http.post('/api/auth/signup').send(signupBody({ email }));
      expect(first.status).toBe(201);
      const second = await t.http.post('/api/auth/signup').send(signupBody({ email }));
      expect(second.status).toBe(403);
      expect(second.body.errorCode).toBe('EMAIL_NOT_VERIFIED');
    });

    it('compares at most 5 of 50 concurrent wrong codes and then refuses the right one', async () => {
      const email = uniqueEmail('race-wrong');
      const code = await mailedCode(email);

      const answers = await Promise.all(Array.from({ length: 50 }, () => verify(email, wrongCode(code))));

      // Tries 1–4 are compared and answered MISMATCH; the 5th is compared and, being the last allowed,
      // answered ATTEMPTS_EXCEEDED; tries 6–50 are refused before any comparison.
      expect(tally(answers)).toEqual({
        '400 VERIFICATION_CODE_MISMATCH': 4,
        '400 VERIFICATION_ATTEMPTS_EXCEEDED': 46,
      });
      const right = await verify(email, code);
      expect(right.status).toBe(400);
      expect(right.body.errorCode).toBe('VERIFICATION_ATTEMPTS_EXCEEDED');
      const signup = await t.http.post('/api/auth/signup').send(signupBody({ email }));
      expect(signup.status).toBe(403);
      expect(signup.body.errorCode).toBe('EMAIL_NOT_VERIFIED');
    });
  });

  describe('POST /api/auth/signup', () => {
    it('gives one nickname to one of 10 concurrent signups and leaves the 9 others their verified email', async () => {
      const nickname = uniqueNickname();
      const emails = Array.from({ length: 10 }, (_, i) => uniqueEmail(`race-nick${i}`));
      for (const email of emails) await verifyEmail(t, email);

      const answers = await Promise.all(
        emails.map((email) => t.http.post('/api/auth/signup').send(signupBody({ email, nickname }))),
      );

      expect(tally(answers)).toEqual({ '201': 1, '409 NICKNAME_ALREADY_EXISTS': 9 });
      const winner = emails[answers.findIndex((res) => res.status === 201)];
      const holders = await t.db.query<{ email: string }[]>(`SELECT email FROM users WHERE nickname = $1`, [nickname]);
      expect(holders).toEqual([{ email: winner }]);

      const losers = emails.filter((email) => email !== winner);
      const retries = await Promise.all(
        losers.map((email) => t.http.post('/api/auth/signup').send(signupBody({ email, nickname: uniqueNickname() }))),
      );
      expect(retries.map((res) => res.status)).toEqual(losers.map(() => 201));
      const accounts = await t.db.query<{ count: string }[]>(
        `SELECT count(*)::text AS count FROM users WHERE email = ANY($1::text[])`,
        [emails],
      );
      expect(accounts[0].count).toBe('10');
    });

    it('creates one account when two signups with the same verified email race', async () => {
      const email = uniqueEmail('race-email');
      await verifyEmail(t, email);

      const answers = await Promise.all([
        t.http.post('/api/auth/signup').send(signupBody({ email })),
        t.http.post('/api/auth/signup').send(signupBody({ email })),
      ]);

      expect(tally(answers)).toEqual({ '201': 1, '409 EMAIL_ALREADY_EXISTS': 1 });
      const rows = await t.db.query<{ id: string }[]>(
        `SELECT id::text AS id FROM users WHERE email = $1 AND provider = 'local'`,
        [email],
      );
      const created = answers.find((res) => res.status === 201)!.body.data as { id: number };
      expect(rows).toEqual([{ id: String(created.id) }]);
    });
  });
});
