import type { SocialProvider } from './index.js';

/** What a provider says about a user, in the one shape the account rules (Users) read; each definition maps its own. */
export type { SocialProfile } from '../../users/social-account.service.js';

type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A non-blank string, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** A provider's user id: a safe integer or a non-blank string. */
export function id(value: unknown): string | null {
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

/** The user id, or the ProfileShapeError that ends the login. */
export function required(provider: SocialProvider, value: string | null): string {
  if (value === null) throw new ProfileShapeError(provider);
  return value;
}
