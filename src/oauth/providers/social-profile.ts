import type { SocialProvider } from './index.js';

/** What a provider says about a user, in one shape for every provider. */
export interface SocialProfile {
  provider: SocialProvider;
  providerUserId: string;
  /** As the provider gave it; null when it gave none (not consented). */
  email: string | null;
  /** The provider vouches for the address (Kakao `is_email_verified`, Google `email_verified`, …). */
  emailVerified: boolean;
  nickname: string | null;
  name: string | null;
}

type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function id(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return text(value);
}

/** Thrown when a provider's profile lacks the user id: the login cannot go on. */
export class ProfileShapeError extends Error {
  constructor(provider: SocialProvider) {
    super(`${provider} profile has no user id`);
    this.name = 'ProfileShapeError';
  }
}

function required(provider: SocialProvider, value: string | null): string {
  if (value === null) throw new ProfileShapeError(provider);
  return value;
}

/** Kakao `/v2/user/me`: the email and its flags live in `kakao_account`. */
export function kakaoProfile(raw: unknown): SocialProfile {
  const json = asRecord(raw) ?? {};
  const account = asRecord(json.kakao_account) ?? {};
  const profile = asRecord(account.profile) ?? {};
  const properties = asRecord(json.properties) ?? {};
  return {
    provider: 'kakao',
    providerUserId: required('kakao', id(json.id)),
    email: text(account.email),
    emailVerified: account.is_email_valid !== false && account.is_email_verified === true,
    nickname: text(profile.nickname) ?? text(properties.nickname),
    name: null,
  };
}

/** Naver `/v1/nid/me`: `{resultcode: "00", response: {id, email, nickname, name}}`; Naver emails are its own, verified. */
export function naverProfile(raw: unknown): SocialProfile {
  const response = asRecord(asRecord(raw)?.response) ?? {};
  const email = text(response.email);
  return {
    provider: 'naver',
    providerUserId: required('naver', id(response.id)),
    email,
    emailVerified: email !== null,
    nickname: text(response.nickname),
    name: text(response.name),
  };
}

/** Google's OpenID userinfo (`sub`, `email`, `email_verified`, `name`); it has no nickname. */
export function googleProfile(raw: unknown): SocialProfile {
  const json = asRecord(raw) ?? {};
  return {
    provider: 'google',
    providerUserId: required('google', id(json.sub)),
    email: text(json.email),
    emailVerified: json.email_verified === true || json.email_verified === 'true',
    nickname: null,
    name: text(json.name),
  };
}

/**
 * GitHub `/user` plus `/user/emails`: the primary verified address, else any
 * verified one; the `users.noreply.github.com` relay is no mailbox.
 */
export function githubProfile(user: unknown, emails: unknown): SocialProfile {
  const json = asRecord(user) ?? {};
  const listed = (Array.isArray(emails) ? emails : [])
    .map((entry) => asRecord(entry) ?? {})
    .map((entry) => ({
      email: text(entry.email) ?? text(entry.value),
      primary: entry.primary === true,
      verified: entry.verified === true,
    }))
    .filter((entry) => entry.email !== null && !entry.email.endsWith('@users.noreply.github.com'));
  const chosen = listed.find((entry) => entry.primary && entry.verified) ?? listed.find((entry) => entry.verified);
  return {
    provider: 'github',
    providerUserId: required('github', id(json.id)),
    email: chosen?.email ?? null,
    emailVerified: chosen !== undefined,
    nickname: text(json.login),
    name: text(json.name),
  };
}
