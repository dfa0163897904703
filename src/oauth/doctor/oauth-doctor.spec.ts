import { diagnoseOAuth, formatReport, runDoctor } from './oauth-doctor.js';

const messages = (env: Record<string, string>, level: 'error' | 'warning' | 'info') =>
  diagnoseOAuth(env)
    .findings.filter((finding) => finding.level === level)
    .map((finding) => finding.message);

const kakao = { KAKAO_CLIENT_ID: 'abcdef123456', KAKAO_CLIENT_SECRET: 's3cret', KAKAO_APP_ID: '1234' };

describe('npm run doctor', () => {
  it('passes a complete configuration and lists what to register, with the client id masked', () => {
    const report = diagnoseOAuth({ ...kakao, GOOGLE_CLIENT_ID: 'goog-id', GOOGLE_CLIENT_SECRET: 'x' });
    expect(report.ok).toBe(true);
    expect(report.register).toEqual([
      expect.objectContaining({
        provider: 'kakao',
        callbackUrl: 'http://localhost:8080/login/oauth2/code/kakao',
        clientId: 'abcd***',
      }),
      expect.objectContaining({ provider: 'google', callbackUrl: 'http://localhost:8080/login/oauth2/code/google' }),
    ]);
    const text = formatReport(report);
    expect(text).toContain('http://localhost:8080/login/oauth2/code/kakao');
    expect(text).toContain('developers.kakao.com');
    expect(text).not.toContain('abcdef123456');
    expect(text).not.toContain('s3cret');
  });

  it('reports a missing secret as an error, and a missing id as "not configured"', () => {
    expect(messages({ GITHUB_CLIENT_ID: 'id' }, 'error')).toEqual([
      'GITHUB_CLIENT_SECRET: required when GITHUB_CLIENT_ID is set',
    ]);
    expect(messages({ ...kakao }, 'info')).toContain(
      'naver: not configured (NAVER_CLIENT_ID unset); its login routes answer 503',
    );
    expect(messages({ NAVER_CLIENT_SECRET: 'x' }, 'warning')).toContain(
      'NAVER_CLIENT_SECRET is set but NAVER_CLIENT_ID is not',
    );
    expect(messages({}, 'warning')).toContainEqual(expect.stringMatching(/^no provider configured/));
  });

  it('warns that Kakao without a secret fails with KOE010 once the console enables it, and without KAKAO_APP_ID', () => {
    const warnings = messages({ KAKAO_CLIENT_ID: 'rest-key' }, 'warning');
    expect(warnings).toContainEqual(expect.stringContaining('KOE010'));
    expect(warnings).toContainEqual(expect.stringMatching(/^KAKAO_APP_ID unset/));
  });

  it('flags a redirect URI this service does not serve, and one behind a path-stripping proxy', () => {
    expect(messages({ ...kakao, KAKAO_REDIRECT_URI: 'http://localhost:8080/oauth/callback' }, 'error')).toEqual([
      'KAKAO_REDIRECT_URI: http://localhost:8080/oauth/callback is not a callback this service serves; ' +
        'use a URL ending in /login/oauth2/code/kakao or /api/auth/kakao/callback',
    ]);
    expect(
      messages({ ...kakao, KAKAO_REDIRECT_URI: 'http://localhost:8080/api/auth/kakao/callback' }, 'error'),
    ).toEqual([]);
    expect(
      messages({ ...kakao, KAKAO_REDIRECT_URI: 'https://example.com/auth/login/oauth2/code/kakao' }, 'warning'),
    ).toContainEqual(expect.stringContaining('behind a proxy'));
    expect(
      messages(
        { ...kakao, PORT: '9000', KAKAO_REDIRECT_URI: 'http://localhost:8080/login/oauth2/code/kakao' },
        'warning',
      ),
    ).toContainEqual('KAKAO_REDIRECT_URI: points at port 8080 but the service listens on 9000');
  });

  it('refuses http in production and advises against query hand-off there', () => {
    const env = {
      ...kakao,
      NODE_ENV: 'production',
      KAKAO_REDIRECT_URI: 'http://auth.example.com/login/oauth2/code/kakao',
      KAKAO_TOKEN_URI: 'http://kakao-emulator.internal/oauth/token',
      OAUTH2_REDIRECT_URI: 'https://app.example.com/oauth-redirect',
    };
    expect(messages(env, 'error')).toEqual([
      expect.stringMatching(/^KAKAO_REDIRECT_URI: .* uses http/),
      'kakao: http://kakao-emulator.internal/oauth/token uses http in production',
    ]);
    expect(messages(env, 'warning')).toContainEqual(
      expect.stringMatching(/^OAUTH2_TOKEN_DELIVERY=query puts the tokens/),
    );
    expect(
      messages({ ...env, KAKAO_REDIRECT_URI: '', KAKAO_TOKEN_URI: '', OAUTH2_TOKEN_DELIVERY: 'code' }, 'info'),
    ).toContain('hand-off: OAUTH2_TOKEN_DELIVERY=code');
  });

  it('prints the report and exits 1 on errors, 0 otherwise', () => {
    const out: string[] = [];
    expect(runDoctor({ GOOGLE_CLIENT_ID: 'x' }, (text) => out.push(text))).toBe(1);
    expect(out.join('\n')).toContain('ERROR  GOOGLE_CLIENT_SECRET: required when GOOGLE_CLIENT_ID is set');
    expect(runDoctor({ ...kakao }, () => undefined)).toBe(0);
  });
});
