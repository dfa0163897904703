import OAuth2Strategy from 'passport-oauth2';
import { describeFailure, hintFor } from './oauth-diagnostics.service.js';
import { githubProfile } from '../providers/github.provider.js';
import { googleProfile } from '../providers/google.provider.js';
import { kakaoProfile } from '../providers/kakao.provider.js';
import { parseProviderError, ProviderProfileError, ProviderTokenError } from '../providers/provider-http.js';

describe('provider errors', () => {
  it("keeps Kakao's error_code from a JSON body", () => {
    const error = parseProviderError(
      '{"error":"invalid_grant","error_description":"Redirect URI mismatch.","error_code":"KOE303"}',
      400,
    );
    expect(error).toEqual(new ProviderTokenError('invalid_grant', 'Redirect URI mismatch.', 'KOE303', 400));
    expect(error?.errorCode).toBe('KOE303');
  });

  it("reads GitHub's form-encoded error and ignores bodies that name none", () => {
    expect(parseProviderError('error=bad_verification_code&error_description=expired', 200)?.error).toBe(
      'bad_verification_code',
    );
    expect(parseProviderError('<html>503</html>', 503)).toBeNull();
    expect(parseProviderError('{"access_token":"x"}', 200)).toBeNull();
  });

  it('gives plain-words hints for the seed 000 causes', () => {
    expect(hintFor('KOE303', 'invalid_grant')).toMatch(/character for character/);
    expect(hintFor('KOE320', 'invalid_grant')).toMatch(/already used or has expired/);
    expect(hintFor('KOE010', 'invalid_client')).toMatch(/client secret is missing or wrong/);
    expect(hintFor('KOE101', 'invalid_client')).toMatch(/REST API/);
    expect(hintFor(undefined, 'redirect_uri_mismatch')).toMatch(/character for character/);
    expect(hintFor(undefined, 'something_else')).toBeUndefined();
  });

  it('describes each kind of passport failure', () => {
    expect(describeFailure(new ProviderTokenError('invalid_grant', 'x', 'KOE320', 400))).toMatchObject({
      stage: 'token',
      error_code: 'KOE320',
    });
    expect(describeFailure(new OAuth2Strategy.AuthorizationError('denied', 'consent_required'))).toMatchObject({
      stage: 'authorize',
      error: 'consent_required',
    });
    expect(
      describeFailure(
        new OAuth2Strategy.InternalOAuthError('Failed to fetch user profile', { statusCode: 401, data: '' }),
      ),
    ).toMatchObject({ stage: 'profile', status: 401 });
  });

  it('keeps what a profile API said, also for the GitHub emails read, and tells the token stage apart', () => {
    expect(describeFailure(new ProviderProfileError(undefined, 'no such token', '-401', 401))).toEqual({
      stage: 'profile',
      error: undefined,
      error_description: 'no such token',
      error_code: '-401',
      status: 401,
    });
    const emails = new OAuth2Strategy.InternalOAuthError('Failed to fetch user emails', {
      statusCode: 401,
      data: '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}',
    });
    expect(describeFailure(emails)).toMatchObject({ stage: 'profile', error: 'Bad credentials', status: 401 });
    const token = new OAuth2Strategy.InternalOAuthError('Failed to obtain access token', {
      statusCode: 500,
      data: '{"message":"oops"}',
    });
    expect(describeFailure(token)).toEqual({ stage: 'token', status: 500, cause: 'Failed to obtain access token' });
  });
});

describe('profile mapping', () => {
  it("reads Kakao's email and its flags from kakao_account", () => {
    const me = {
      id: 1855599935,
      properties: { nickname: '한효주' },
      kakao_account: {
        profile: { nickname: '한효주' },
        is_email_valid: true,
        is_email_verified: true,
        email: 'hyojoo@gmail.com',
      },
    };
    expect(kakaoProfile(me)).toEqual({
      provider: 'kakao',
      providerUserId: '1855599935',
      email: 'hyojoo@gmail.com',
      emailVerified: true,
      nickname: '한효주',
      name: null,
    });
    expect(kakaoProfile({ ...me, kakao_account: { ...me.kakao_account, is_email_valid: false } }).emailVerified).toBe(
      false,
    );
    expect(() => kakaoProfile({ kakao_account: {} })).toThrow('kakao profile has no user id');
  });

  it("takes GitHub's primary verified address and never the noreply relay", () => {
    const user = { id: 7, login: 'octo', name: 'Octo Cat' };
    expect(
      githubProfile(user, [
        { value: '7+octo@users.noreply.github.com', primary: false, verified: true },
        { value: 'old@example.com', primary: false, verified: true },
        { value: 'octo@example.com', primary: true, verified: true },
      ]).email,
    ).toBe('octo@example.com');
    expect(
      githubProfile(user, [{ value: '7+octo@users.noreply.github.com', primary: false, verified: true }]),
    ).toMatchObject({ email: null, emailVerified: false });
  });

  it("accepts Google's email_verified as a boolean or a string", () => {
    expect(googleProfile({ sub: '1', email: 'a@b.co', email_verified: 'true' }).emailVerified).toBe(true);
    expect(googleProfile({ sub: '1', email: 'a@b.co', email_verified: false }).emailVerified).toBe(false);
  });
});
