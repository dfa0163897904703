import { AuthError } from './auth-error.js';
import { errorCodeOf, readEnvelope } from './envelope.js';
import { parseRedirect } from './redirect.js';
import { parseStoredSession, sessionFrom, type StoredSession } from './tokens.js';

export type AuthState = 'signed-in' | 'signed-out';
export type SocialProvider = 'kakao' | 'google' | 'github' | 'naver';

/** The user object of the service (SPEC §2); the service may add fields such as `provider`. */
export interface User {
  id: number;
  email: string;
  name: string;
  nickname: string;
  birthDate: string | null;
  addressSido: string | null;
  addressGugun: string | null;
  [extra: string]: unknown;
}

export interface SignupBody {
  email: string;
  password: string;
  name: string;
  nickname: string;
  birthDate: string;
  addressSido?: string;
  addressGugun?: string;
}

/** The part of the Web Storage API the client uses; localStorage, sessionStorage or memoryStorage(). */
export interface AuthStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface AuthClientOptions {
  /** The service's origin (and path prefix, if any), e.g. `http://localhost:8080`. Tokens go nowhere else. */
  baseUrl: string;
  /** Where the tokens live; default `localStorage` (shared by the tabs of the origin). */
  storage?: AuthStorage;
  /** The storage key, also the name of the tabs' lock and broadcast channel; default `pet-market-auth`. */
  storageKey?: string;
}

export interface AuthClient {
  sendCode(email: string): Promise<void>;
  verifyCode(email: string, verificationCode: string): Promise<void>;
  signup(body: SignupBody): Promise<User>;
  login(email: string, password: string): Promise<{ user: User }>;
  me(): Promise<User>;
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  logout(): Promise<void>;
  socialLoginUrl(provider: SocialProvider, redirectUri?: string): string;
  handleRedirect(href?: string): Promise<{ user: User } | null>;
  onChange(listener: (state: AuthState) => void): () => void;
  getAccessToken(): string | null;
}

export const DEFAULT_STORAGE_KEY = 'pet-market-auth';

/**
 * How long before the access token's expiry (on this browser's clock) a
 * request refreshes first instead of sending a token about to be refused.
 * A late estimate only costs one TOKEN_EXPIRED answer and a retry.
 */
export const REFRESH_MARGIN_MS = 5_000;

/**
 * How long a tab that waited for another tab's refresh waits for that tab's
 * tokens to reach its copy of storage before refreshing itself (see refreshLocked).
 */
export const HANDOVER_WAIT_MS = 1_000;

const PROVIDERS: readonly SocialProvider[] = ['kakao', 'google', 'github', 'naver'];

/** Storage that lives as long as the page: nothing survives a reload, and no other tab sees it. */
export function memoryStorage(): AuthStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

function defaultStorage(): AuthStorage {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    // Storage disabled by the browser's settings: fall back to memory.
  }
  return memoryStorage();
}

interface LoginData {
  accessToken: string;
  refreshToken: string;
  user: User;
}

class BrowserAuthClient implements AuthClient {
  private readonly base: URL;
  private readonly storage: AuthStorage;
  private readonly key: string;
  private readonly channel: BroadcastChannel | null;
  private readonly listeners = new Set<(state: AuthState) => void>();
  private state: AuthState;
  /** The refresh this tab is running; concurrent callers share it. */
  private refreshing: Promise<StoredSession> | null = null;
  /** Called whenever another tab may have changed storage. */
  private readonly storageWatchers = new Set<() => void>();

  constructor(options: AuthClientOptions) {
    this.base = new URL(options.baseUrl);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
    this.storage = options.storage ?? defaultStorage();
    this.key = options.storageKey ?? DEFAULT_STORAGE_KEY;
    this.state = this.read() ? 'signed-in' : 'signed-out';
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(this.key);
    this.channel?.addEventListener('message', () => this.syncFromStorage());
    // localStorage also tells other tabs itself; both paths end in the same state check.
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (event) => {
        if (event.key === this.key || event.key === null) this.syncFromStorage();
      });
    }
  }

  async sendCode(email: string): Promise<void> {
    await readEnvelope<null>(await this.post('api/auth/email/verification/send', { email }));
  }

  async verifyCode(email: string, verificationCode: string): Promise<void> {
    await readEnvelope<null>(await this.post('api/auth/email/verification/verify', { email, verificationCode }));
  }

  async signup(body: SignupBody): Promise<User> {
    return readEnvelope<User>(await this.post('api/auth/signup', body));
  }

  async login(email: string, password: string): Promise<{ user: User }> {
    const data = await readEnvelope<LoginData>(await this.post('api/auth/login', { email, password }));
    return this.signIn(data);
  }

  async me(): Promise<User> {
    return readEnvelope<User>(await this.fetch('api/auth/me'));
  }

  /**
   * fetch() with the access token, for the service's own URLs only (paths
   * are resolved against baseUrl; any other origin gets the request as is).
   * A token about to expire is refreshed first; a 401 TOKEN_EXPIRED answer
   * is refreshed once and retried; a 401 TOKEN_REVOKED (the session was
   * ended elsewhere) signs out. Resolves to the Response like fetch();
   * rejects with an AuthError when the service cannot be reached or the
   * refresh fails (a session-ending refresh answer has signed out first).
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const target = input instanceof Request ? input.url : input;
    // '/api/…' is a path of the service, also when baseUrl has a path prefix.
    const url =
      typeof target === 'string' && target.startsWith('/') && !target.startsWith('//')
        ? new URL(target.slice(1), this.base)
        : new URL(target, this.base);
    const request = new Request(input instanceof Request ? input : url, init);
    if (!this.isServiceUrl(url)) return this.send(request, null);

    let session = this.read();
    if (!session) return this.send(request, null);
    if (this.expiresSoon(session)) {
      try {
        session = await this.refresh(null);
      } catch (error) {
        // A refresh that could not reach the service leaves the still-valid token to try.
        if (!(error instanceof AuthError) || error.endsSession) throw error;
      }
    }
    const first = await this.send(request.clone(), session.accessToken);
    if (first.status !== 401) return first;
    const errorCode = await errorCodeOf(first);
    if (errorCode === 'TOKEN_REVOKED') this.sessionEnded(session);
    if (errorCode !== 'TOKEN_EXPIRED') return first;
    const next = await this.refresh(session.accessToken);
    return this.send(request, next.accessToken);
  }

  /**
   * Ends the session on the service with the refresh token (so an expired
   * access token does not matter), then clears storage and tells every tab.
   * Storage is cleared even when the service cannot be told; the AuthError
   * then says so.
   */
  async logout(): Promise<void> {
    await this.withLock(async () => {
      const session = this.read();
      try {
        if (session) await this.endSession(session);
      } finally {
        this.storage.removeItem(this.key);
        this.announce('signed-out', true);
      }
    });
  }

  socialLoginUrl(provider: SocialProvider, redirectUri?: string): string {
    if (!PROVIDERS.includes(provider)) throw AuthError.client('UNSUPPORTED_PROVIDER');
    const url = new URL(`oauth2/authorization/${provider}`, this.base);
    if (redirectUri !== undefined) url.searchParams.set('redirect_uri', redirectUri);
    return url.href;
  }

  /**
   * Finishes a social login on the page OAUTH2_REDIRECT_URI points at. The
   * hand-off parameters leave the address bar (history.replaceState, so the
   * history entry is rewritten, not added) before anything else happens.
   */
  async handleRedirect(href?: string): Promise<{ user: User } | null> {
    const current = typeof location === 'undefined' ? null : location.href;
    const given = href ?? current;
    if (given === null) return null;
    if (current !== null && typeof history !== 'undefined') {
      const { cleanUrl } = parseRedirect(current);
      if (cleanUrl !== current) history.replaceState(history.state, '', cleanUrl);
    }
    const { payload } = parseRedirect(given);
    switch (payload.kind) {
      case 'none':
        return null;
      case 'error':
        throw payload.error;
      case 'code': {
        const data = await readEnvelope<LoginData>(await this.post('api/auth/oauth2/token', { code: payload.code }));
        return this.signIn(data);
      }
      case 'tokens': {
        this.write(sessionFrom(payload, Date.now()));
        this.announce('signed-in', true);
        return { user: await this.me() };
      }
    }
  }

  onChange(listener: (state: AuthState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  getAccessToken(): string | null {
    return this.read()?.accessToken ?? null;
  }

  // --- tokens ---

  private signIn(data: LoginData): { user: User } {
    this.write(sessionFrom(data, Date.now()));
    this.announce('signed-in', true);
    return { user: data.user };
  }

  private expiresSoon(session: StoredSession): boolean {
    return session.accessExpiresAt !== null && Date.now() >= session.accessExpiresAt - REFRESH_MARGIN_MS;
  }

  /**
   * One refresh for everyone: the calls of this tab share one promise, and
   * the tabs of the origin take turns under a Web Lock. Whoever gets the lock
   * first re-reads storage: when the token it failed with (`stale`; null for
   * a token about to expire) has been replaced by a fresh one, another call
   * or tab has refreshed already and that token is used. A rotated refresh
   * token is thus never presented twice.
   */
  private refresh(stale: string | null): Promise<StoredSession> {
    this.refreshing ??= this.withLock((waited) => this.refreshLocked(stale, waited)).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * `waited`: another tab held the lock first, so it has most likely just
   * refreshed. Its write reaches this tab's copy of storage a moment after
   * the lock does (Chromium keeps a copy of localStorage per tab and updates
   * it by message), so before presenting the refresh token storage still
   * shows, this tab waits for storage to change, at most HANDOVER_WAIT_MS
   * (the other tab's refresh may also have failed).
   */
  private async refreshLocked(stale: string | null, waited: boolean): Promise<StoredSession> {
    let current = this.read();
    if (!current) throw this.signedOutError();
    if (waited && (current.accessToken === stale || this.expiresSoon(current))) {
      await this.storageChange(current.refreshToken, HANDOVER_WAIT_MS);
      current = this.read();
      if (!current) throw this.signedOutError();
    }
    if (current.accessToken !== stale && !this.expiresSoon(current)) return current;
    try {
      const data = await readEnvelope<{ accessToken: string; refreshToken: string }>(
        await this.post('api/auth/refresh', { refreshToken: current.refreshToken }),
      );
      const next = sessionFrom(data, Date.now());
      this.write(next);
      this.channel?.postMessage('refreshed');
      return next;
    } catch (error) {
      if (error instanceof AuthError && error.endsSession) this.sessionEnded(current);
      throw error;
    }
  }

  /** Resolves once storage no longer holds the refresh token `from`, or after `timeoutMs`. */
  private storageChange(from: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.storageWatchers.delete(check);
        resolve();
      };
      const check = () => {
        if (this.read()?.refreshToken !== from) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.storageWatchers.add(check);
      check();
    });
  }

  /**
   * The service has ended `ended` (refresh refused, or its access token
   * revoked: logout elsewhere, password change). Signs out, unless storage
   * already holds another session (a newer login).
   */
  private sessionEnded(ended: StoredSession): void {
    if (this.read()?.refreshToken !== ended.refreshToken) return;
    this.storage.removeItem(this.key);
    this.announce('signed-out', false);
  }

  /** Endpoint 15 ends the session with the refresh token alone; older services only have logout. */
  private async endSession(session: StoredSession): Promise<void> {
    const revoked = await this.post('api/auth/token/revoke', { refreshToken: session.refreshToken });
    if (revoked.status !== 404) {
      try {
        await readEnvelope<string>(revoked);
      } catch (error) {
        // A refresh token the service does not recognise has no session left to end.
        if (!(error instanceof AuthError) || error.errorCode !== 'REFRESH_TOKEN_INVALID') throw error;
      }
      return;
    }
    const res = await this.send(
      new Request(new URL('api/auth/logout', this.base), { method: 'POST' }),
      session.accessToken,
    );
    try {
      await readEnvelope<string>(res);
    } catch (error) {
      if (!(error instanceof AuthError) || error.errorCode !== 'TOKEN_REVOKED') throw error;
    }
  }

  private signedOutError(): AuthError {
    return new AuthError({ status: 401, errorCode: 'TOKEN_MISSING', message: '인증 토큰이 필요합니다.' });
  }

  /** Runs `task` under the tabs' lock; `waited` tells it whether another tab held the lock first. */
  private withLock<T>(task: (waited: boolean) => Promise<T>): Promise<T> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks) return task(false);
    const name = `${this.key}:session`;
    return locks.request(name, { ifAvailable: true }, (lock) =>
      lock ? task(false) : locks.request(name, () => task(true)),
    );
  }

  // --- storage and state ---

  private read(): StoredSession | null {
    return parseStoredSession(this.storage.getItem(this.key));
  }

  private write(session: StoredSession): void {
    this.storage.setItem(this.key, JSON.stringify(session));
  }

  /** Tells this tab's listeners (when the state changed, or always for this tab's own login/logout) and the other tabs. */
  private announce(state: AuthState, always: boolean): void {
    const changed = this.state !== state;
    this.state = state;
    this.channel?.postMessage(state);
    if (changed || always) this.emit(state);
  }

  private syncFromStorage(): void {
    for (const watcher of [...this.storageWatchers]) watcher();
    const state: AuthState = this.read() ? 'signed-in' : 'signed-out';
    if (state === this.state) return;
    this.state = state;
    this.emit(state);
  }

  private emit(state: AuthState): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        // One listener's failure must not keep the others from hearing.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  // --- HTTP ---

  private isServiceUrl(url: URL): boolean {
    return url.origin === this.base.origin && url.pathname.startsWith(this.base.pathname);
  }

  private post(path: string, body: unknown): Promise<Response> {
    return this.send(
      new Request(new URL(path, this.base), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
      null,
    );
  }

  /** The one place requests leave; the token is added only for the service's own URLs. */
  private async send(request: Request, accessToken: string | null): Promise<Response> {
    if (accessToken !== null && this.isServiceUrl(new URL(request.url))) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
    }
    try {
      return await fetch(request);
    } catch (error) {
      // The caller's own abort stays what it is; anything else is the network.
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw AuthError.client('NETWORK_ERROR');
    }
  }
}

/** The client of one service; create it once per page. */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  return new BrowserAuthClient(options);
}
