import { Injectable, Logger } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception.js';
import { firstChars } from '../common/validation/code-points.js';
import { emailRules, firstFailure } from '../common/validation/field-rules.js';
import { NICKNAME_MAX_LENGTH } from '../common/validation/limits.js';
import { normalizeEmail } from '../common/validation/transforms.js';
import type { AuthProvider, UserEntity } from './user.entity.js';
import { DuplicateUserError } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

/**
 * What a social provider says about the person, as OAuth maps it from the
 * provider's answer; the account rules read nothing else.
 */
export interface SocialProfile {
  provider: Exclude<AuthProvider, 'local'>;
  providerUserId: string;
  /** As the provider gave it; null when it gave none (not consented). */
  email: string | null;
  /** The provider vouches for the address. */
  emailVerified: boolean;
  nickname: string | null;
  name: string | null;
}

/** Nickname and name columns hold 10 characters (SPEC §2). */
export const NICKNAME_MAX = NICKNAME_MAX_LENGTH;
const MAX_INSERT_ATTEMPTS = 50;

/** At most `max` code points (as PostgreSQL's varchar(n) counts), trimmed. */
export function cutChars(value: string, max: number): string {
  return firstChars(value, max).trim();
}

function clean(value: string | null): string {
  return (value ?? '')
    .normalize('NFC')
    .replace(/\p{Cc}/gu, '')
    .trim();
}

/** The email the account gets: present, vouched for by the provider, and valid; else null. */
export function usableEmail(profile: SocialProfile): string | null {
  if (profile.email === null || !profile.emailVerified) return null;
  const email = normalizeEmail(profile.email);
  return firstFailure(emailRules, email) === null ? email : null;
}

/** The profile nickname (or the email's local part), NFC, at most 10 characters. */
export function nicknameBase(profile: SocialProfile, email: string): string {
  return (
    cutChars(clean(profile.nickname), NICKNAME_MAX) || cutChars(clean(email.split('@')[0]), NICKNAME_MAX) || 'user'
  );
}

/**
 * The candidates in order: the base itself, then the base with 1, 2, … 9,
 * 10, …, the base cut short so that base and number stay within 10 characters.
 */
export function nicknameCandidate(base: string, suffix: number): string {
  if (suffix === 0) return base;
  const digits = String(suffix);
  return cutChars(base, NICKNAME_MAX - digits.length) + digits;
}

/**
 * Social accounts (SPEC §3): found by (provider, provider user id), never by
 * email; created on first login. The unique indexes decide races: a nickname
 * taken meanwhile means the next free candidate, an identity taken meanwhile
 * means the same person logged in twice at once, so the winner's account is used.
 */
@Injectable()
export class SocialAccountService {
  private readonly logger = new Logger(SocialAccountService.name);

  constructor(private readonly users: UsersRepository) {}

  /** The account of this provider identity, created now if it is the first login. */
  async signIn(profile: SocialProfile): Promise<UserEntity> {
    const existing = await this.users.findByProviderIdentity(profile.provider, profile.providerUserId);
    if (existing) return existing;
    const email = usableEmail(profile);
    if (email === null) throw new AppException('EMAIL_REQUIRED');
    // The local account stays untouched; its owner logs in with the password.
    if (await this.users.findLocalByEmail(email)) throw new AppException('EMAIL_REGISTERED_WITH_LOCAL');
    return this.create(profile, email);
  }

  private async create(profile: SocialProfile, email: string): Promise<UserEntity> {
    const base = nicknameBase(profile, email);
    const name = cutChars(clean(profile.name), NICKNAME_MAX) || base;
    for (let attempt = 0; attempt < MAX_INSERT_ATTEMPTS; attempt++) {
      const nickname = await this.freeNickname(base);
      try {
        return await this.users.create({
          email,
          passwordHash: null,
          name,
          nickname,
          birthDate: null,
          addressSido: null,
          addressGugun: null,
          provider: profile.provider,
          providerUserId: profile.providerUserId,
        });
      } catch (error) {
        if (!(error instanceof DuplicateUserError)) throw error;
        if (error.field === 'identity') {
          const winner = await this.users.findByProviderIdentity(profile.provider, profile.providerUserId);
          if (winner) return winner;
        }
        if (error.field !== 'nickname') throw error;
      }
    }
    this.logger.error({ msg: 'no free nickname after retries', base });
    throw new Error(`no free nickname for "${base}" after ${MAX_INSERT_ATTEMPTS} attempts`);
  }

  /** The first candidate no account holds now (an insert may still lose it to a concurrent one). */
  private async freeNickname(base: string): Promise<string> {
    const takenByStem = new Map<string, Set<string>>();
    for (let suffix = 0; ; suffix++) {
      const candidate = nicknameCandidate(base, suffix);
      const stem = suffix === 0 ? base : nicknameCandidate(base, suffix).slice(0, -String(suffix).length);
      let taken = takenByStem.get(stem);
      if (!taken) {
        taken = new Set(await this.users.findNicknamesStartingWith(stem));
        takenByStem.set(stem, taken);
      }
      if (!taken.has(candidate)) return candidate;
    }
  }
}
