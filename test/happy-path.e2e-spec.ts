import { logIn, signUp, useTestApp } from './support/kit.js';

describe('the whole email/password journey', () => {
  const t = useTestApp();

  it('signs up with a mailed code, logs in, reads /me, refreshes and logs out', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    expect(login.user.id).toBe(user.id);

    const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${login.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.data.email).toBe(user.email);

    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data.refreshToken).not.toBe(login.refreshToken);

    const logout = await t.http
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${refreshed.body.data.accessToken}`);
    expect(logout.body).toEqual({ code: { code: 200, message: '성공' }, message: '성공', data: '로그아웃되었습니다.' });

    const after = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${login.accessToken}`);
    expect(after.status).toBe(401);
    expect(after.body.errorCode).toBe('TOKEN_REVOKED');
  });
});
