import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { createHash, createHmac, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import type OAuth2Strategy from 'passport-oauth2';
import { deriveKey } from '../../common/security/derived-key.js';
import { KeyValueStore } from '../../common/store/key-value.store.js';
import { Clock } from '../../common/time/clock.js';
import { authConfig } from '../../config/auth.config.js';
import { oauthConfig } from '../../config/oauth.config.js';
import type { SocialProvider } from '../providers/index.js';

/** How long a started login may take at the provider (SPEC §3: 10 min). */
export const STATE_TTL_MS = 10 * 60_000;
/** The HttpOnly cookie that ties a `state` to the browser that started the login. */
export const STATE_COOKIE = 'oauth2_state';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Store key of a state; only its hash is stored, so the store never holds a usable state. */
export const stateKey = (state: string) => `oauth-state:${sha256(state)}`;

/** What the start of a login leaves for its callback. */
export interface OAuthStateRecord {
  provider: SocialProvider;
  /** SHA-256 of the browser cookie's nonce. */
  binding: string;
  /** PKCE code_verifier (kakao, google, github). */
  verifier?: string;
  /** An allow-listed `redirect_uri` given at the start: success and failure go there. */
  redirectUri?: string;
  expiresAt: number;
}

/** What the guard decided at the start of a login, for the store to keep. */
export interface OAuthStartState {
  redirectUri?: string;
}

/** What the state store reports when it refuses a callback. */
export interface StateRefusal {
  reason: 'INVALID_STATE';
}

declare module 'express' {
  interface Request {
    /** Set by the guard at the start of a login. */
    oauthStart?: OAuthStartState;
    /** The verified (and consumed) state of this callback. */
    oauthState?: OAuthStateRecord;
  }
}

type StoreCallback = (err: Error | null, state?: string) => void;
type VerifyCallback = (err: Error | null, ok: string | boolean, info?: OAuthStartState | StateRefusal) => void;

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/**
 * passport-oauth2's custom state store (no express-session): each login gets
 * a random `state` kept in the KeyValueStore for 10 minutes with its PKCE
 * verifier, used once (take()), and bound to the browser by a signed
 * HttpOnly cookie holding a nonce. Arity matters to passport: `store` takes
 * five arguments (so it receives the PKCE verifier), `verify` three.
 */
@Injectable()
export class OAuthStateStore {
  private readonly cookieKey: KeyObject;

  constructor(
    @Inject(authConfig.KEY) auth: ConfigType<typeof authConfig>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {
    this.cookieKey = deriveKey(auth.jwtSecret, 'oauth-state-cookie');
  }

  /** The store object handed to a provider's strategy. */
  forProvider(provider: SocialProvider): OAuth2Strategy.StateStore {
    const store = (
      req: Request,
      verifier: string | undefined,
      _state: unknown,
      _meta: unknown,
      callback: StoreCallback,
    ): void => {
      this.save(req, provider, verifier, req.oauthStart ?? {}).then(
        (saved) => callback(null, saved),
        (error: Error) => callback(error),
      );
    };
    const verify = (req: Request, providedState: unknown, callback: VerifyCallback): void => {
      this.consume(req, provider, providedState).then(
        (record) => {
          if (!record) return callback(null, false, { reason: 'INVALID_STATE' });
          req.oauthState = record;
          callback(null, record.verifier ?? true, { redirectUri: record.redirectUri });
        },
        (error: Error) => callback(error, false),
      );
    };
    // @types/passport-oauth2 lists only the 2- and 3-argument `store`; the library (1.8) calls
    // a 5-argument one with the PKCE verifier.
    return { store, verify } as unknown as OAuth2Strategy.StateStore;
  }

  /**
   * Uses up a state: of concurrent callbacks with it only one gets the record.
   * Null when it is unknown, used, expired, of another provider or another browser.
   */
  async consume(req: Request, provider: SocialProvider, state: unknown): Promise<OAuthStateRecord | null> {
    if (typeof state !== 'string' || state === '' || state.length > 256) return null;
    const raw = await this.store.take(stateKey(state));
    if (raw === null) return null;
    const record = JSON.parse(raw) as OAuthStateRecord;
    const nonce = this.browserNonce(req);
    if (
      record.provider !== provider ||
      record.expiresAt <= this.clock.now() ||
      nonce === undefined ||
      sha256(nonce) !== record.binding
    ) {
      return null;
    }
    return record;
  }

  private async save(
    req: Request,
    provider: SocialProvider,
    verifier: string | undefined,
    app: OAuthStartState,
  ): Promise<string> {
    // Several tabs of one browser share the nonce, so their logins do not cancel each other.
    const nonce = this.browserNonce(req) ?? randomBytes(32).toString('base64url');
    const state = randomBytes(32).toString('base64url');
    const record: OAuthStateRecord = {
      provider,
      binding: sha256(nonce),
      verifier,
      redirectUri: app.redirectUri,
      expiresAt: this.clock.now() + STATE_TTL_MS,
    };
    await this.store.set(stateKey(state), JSON.stringify(record), STATE_TTL_MS);
    req.res?.cookie(STATE_COOKIE, `${nonce}.${this.sign(nonce)}`, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      maxAge: STATE_TTL_MS,
      secure: this.oauth.providers[provider].redirectUri.startsWith('https:'),
    });
    return state;
  }

  /** The nonce of a well-signed cookie, else undefined. */
  private browserNonce(req: Request): string | undefined {
    const cookie = readCookie(req, STATE_COOKIE);
    const dot = cookie?.lastIndexOf('.') ?? -1;
    if (cookie === undefined || dot <= 0) return undefined;
    const nonce = cookie.slice(0, dot);
    const given = Buffer.from(cookie.slice(dot + 1));
    const expected = Buffer.from(this.sign(nonce));
    return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : undefined;
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.cookieKey).update(nonce).digest('base64url');
  }
}
