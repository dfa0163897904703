/** What the client keeps in storage under its storageKey. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /**
   * When the access token expires, on this browser's clock: the time it was
   * received plus its lifetime (`exp - iat`), so a browser clock that is off
   * does not move the refresh. Null when the token carries no readable claims.
   */
  accessExpiresAt: number | null;
}

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Lifetime in ms from a JWT's `iat` and `exp` (the signature is the service's business), or null. */
export function tokenLifetimeMs(jwt: string): number | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1])) as { iat?: unknown; exp?: unknown };
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp < claims.iat) return null;
    return (claims.exp - claims.iat) * 1000;
  } catch {
    return null;
  }
}

export function sessionFrom(tokens: { accessToken: string; refreshToken: string }, receivedAt: number): StoredSession {
  const lifetime = tokenLifetimeMs(tokens.accessToken);
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessExpiresAt: lifetime === null ? null : receivedAt + lifetime,
  };
}

/** A stored value, or null when it is absent or not the client's shape. */
export function parseStoredSession(raw: string | null): StoredSession | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredSession> | null;
    if (!value || typeof value.accessToken !== 'string' || typeof value.refreshToken !== 'string') return null;
    return {
      accessToken: value.accessToken,
      refreshToken: value.refreshToken,
      accessExpiresAt: typeof value.accessExpiresAt === 'number' ? value.accessExpiresAt : null,
    };
  } catch {
    return null;
  }
}
