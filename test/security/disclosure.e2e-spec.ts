import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logIn, signUp, startTestApp, useRealServices, useTestApp } from '../support/kit.js';

jest.setTimeout(90_000);

/** SPEC §4: /health names its parts, the in-process store as such. */
describe('/health', () => {
  const t = useTestApp();

  it(`names the store ${useRealServices ? '"redis"' : '"memory" (REDIS_URL unset: the in-process store)'}`, async () => {
    const store = useRealServices ? 'redis' : 'memory';
    const res = await t.http.get('/health');
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 200,
      body: {
        status: 'ok',
        info: { database: { status: 'up' }, [store]: { status: 'up' } },
        error: {},
        details: { database: { status: 'up' }, [store]: { status: 'up' } },
      },
    });
  });
});

/** SPEC §2/§4: the development JWT_SECRET file is held to the variable's 32 bytes and kept private. */
describe('development JWT secret under DATA_DIR', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'auth-secret-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const withDataDir = (dataDir: string) => startTestApp({ JWT_SECRET: '', DATA_DIR: dataDir });

  it('refuses to start on a secret file shorter than 32 bytes, naming the file', async () => {
    const dataDir = join(root, 'short');
    mkdirSync(dataDir, { mode: 0o700 });
    const file = join(dataDir, 'jwt-secret');
    writeFileSync(file, 'abc', { mode: 0o600 });

    await expect(withDataDir(dataDir)).rejects.toThrow(
      `JWT_SECRET: the development secret file ${file} holds 3 bytes; it must hold at least 32`,
    );
    // The short file is left as it was: the operator decides.
    expect(readFileSync(file, 'utf8')).toBe('abc');
  });

  it('refuses an empty secret file too', async () => {
    const dataDir = join(root, 'empty');
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, 'jwt-secret'), '\n', { mode: 0o600 });
    await expect(withDataDir(dataDir)).rejects.toThrow('holds 0 bytes; it must hold at least 32');
  });

  it('creates the data directory 0700 and the secret file 0600 with at least 32 bytes, and signs with it', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const t = await withDataDir(dataDir);
    try {
      const file = join(dataDir, 'jwt-secret');
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'fresh')).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = readFileSync(file, 'utf8');
      expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);

      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${login.accessToken}`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
