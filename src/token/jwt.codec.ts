import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { LRUCache } from 'lru-cache';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  sub: string;
  sid: string;
  jti: string;
  typ: TokenType;
  iat: number;
  exp: number;
}

export type DecodeResult =
  | { status: 'valid'; claims: TokenClaims }
  /** Signed by us and well-formed, but past `exp`. */
  | { status: 'expired'; claims: TokenClaims }
  /** Malformed, forged, another algorithm, `none`, or missing claims. */
  | { status: 'invalid' };

const REQUIRED_CLAIMS = ['sub', 'sid', 'jti', 'typ', 'iat', 'exp'];
const VERIFY_CACHE_ENTRIES = 10_000;

const USER_ID = /^[1-9][0-9]{0,17}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Shapes as we issue them, so a claim never reaches a query it cannot be (e.g. a non-UUID jti). */
function hasClaimShapes(payload: Record<string, unknown>): payload is Record<string, unknown> & TokenClaims {
  return (
    typeof payload.sub === 'string' &&
    USER_ID.test(payload.sub) &&
    typeof payload.sid === 'string' &&
    UUID.test(payload.sid) &&
    typeof payload.jti === 'string' &&
    UUID.test(payload.jti) &&
    (payload.typ === 'access' || payload.typ === 'refresh') &&
    typeof payload.iat === 'number' &&
    typeof payload.exp === 'number'
  );
}

/**
 * Signs and verifies our JWTs with fast-jwt, HS256 only: `none`, other HMAC
 * sizes and asymmetric algorithms are refused by the verifier. Expiry is
 * checked here against the caller's clock, so an expired token's claims are
 * still known (an expired refresh token revokes its session).
 *
 * Access tokens come back on every request of their session, so what one
 * verified (its claims, already checked for shape) is kept, keyed by the token
 * string itself: the same string carries the same signature, so it verifies
 * the same. fast-jwt's own cache keys by a SHA-256 of the token (decoding its
 * header to choose the hash), which was most of the cost of a cached
 * verification; a map lookup by the string costs a hash of it that V8 keeps on
 * the string. Expiry is checked on every call, cached or not.
 */
export class JwtCodec {
  private readonly sign: (payload: TokenClaims) => string;
  private readonly verifySignature: (token: string) => Record<string, unknown>;
  /**
   * Only tokens that come back (access tokens): a refresh token is spent on first use, and an entry
   * would only evict an access token's.
   */
  private readonly verified = new LRUCache<string, TokenClaims>({ max: VERIFY_CACHE_ENTRIES });

  constructor(secret: string) {
    this.sign = createSigner({ key: secret, algorithm: 'HS256' });
    this.verifySignature = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      requiredClaims: REQUIRED_CLAIMS,
    });
  }

  encode(claims: TokenClaims): string {
    return this.sign(claims);
  }

  /** `reused`: whether this kind of token comes back (access) or is presented once (refresh). */
  decode(token: string, nowMs: number, reused = true): DecodeResult {
    const claims = (reused ? this.verified.get(token) : undefined) ?? this.verifiedClaims(token, reused);
    if (!claims) return { status: 'invalid' };
    return nowMs >= claims.exp * 1000 ? { status: 'expired', claims } : { status: 'valid', claims };
  }

  /** The claims of a token whose signature, algorithm and claim shapes check out; undefined otherwise. */
  private verifiedClaims(token: string, keep: boolean): TokenClaims | undefined {
    let payload: Record<string, unknown>;
    try {
      payload = this.verifySignature(token);
    } catch (error) {
      if (error instanceof TokenError) return undefined;
      throw error;
    }
    if (!hasClaimShapes(payload)) return undefined;
    // Frozen: the same object answers every later call with this token.
    const claims: TokenClaims = Object.freeze({
      sub: payload.sub,
      sid: payload.sid,
      jti: payload.jti,
      typ: payload.typ,
      iat: payload.iat,
      exp: payload.exp,
    });
    if (keep) this.verified.set(token, claims);
    return claims;
  }
}
