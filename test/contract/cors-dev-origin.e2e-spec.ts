import { LOGIN, ME, signUp, useTestApp } from '../support/kit.js';

const VITE = 'http://localhost:5173';

/**
 * A SPA developer's first day: the Vite dev server (http://localhost:5173)
 * calls the service from the browser with CORS_ORIGINS unset.
 */
describe('CORS with CORS_ORIGINS unset, outside production', () => {
  const t = useTestApp();

  it('lets the Vite dev server log in: preflight and answer carry its origin', async () => {
    const user = await signUp(t);

    const preflight = await t.http
      .options(LOGIN)
      .set('Origin', VITE)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(VITE);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');

    const login = await t.http.post(LOGIN).set('Origin', VITE).send({ email: user.email, password: user.password });
    expect(login.status).toBe(200);
    expect(login.headers['access-control-allow-origin']).toBe(VITE);
    // The session it opened serves /me to the same origin.
    const me = await t.http
      .get(ME)
      .set('Origin', VITE)
      .set('Authorization', `Bearer ${(login.body as { data: { accessToken: string } }).data.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.headers['access-control-allow-origin']).toBe(VITE);
    expect((me.body as { data: { email: string } }).data.email).toBe(user.email);
  });

  it('still refuses an origin nobody listed', async () => {
    const preflight = await t.http
      .options(LOGIN)
      .set('Origin', 'http://localhost:5174')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
