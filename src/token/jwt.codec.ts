import { createSigner, createVerifier, TokenError } from 'fast-jwt';

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
 */
export class JwtCodec {
  private readonly sign: (payload: TokenClaims) => string;
  /** For tokens presented again and again (access tokens): fast-jwt keeps what it verified. */
  private readonly verifyCached: (token: string) => Record<string, unknown>;
  /**
   * For tokens presented once (a refresh token is spent on first use): a cache entry would
   * only cost its hash and evict an access token's.
   */
  private readonly verifyOnce: (token: string) => Record<string, unknown>;

  constructor(secret: string) {
    this.sign = createSigner({ key: secret, algorithm: 'HS256' });
    const options = {
      key: secret,
      algorithms: ['HS256' as const],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      requiredClaims: REQUIRED_CLAIMS,
    };
    this.verifyCached = createVerifier({ ...options, cache: VERIFY_CACHE_ENTRIES });
    this.verifyOnce = createVerifier(options);
  }

  encode(claims: TokenClaims): string {
    return this.sign(claims);
  }

  /** `reused`: whether this kind of token comes back (access) or is presented once (refresh). */
  decode(token: string, nowMs: number, reused = true): DecodeResult {
    let payload: Record<string, unknown>;
    try {
      payload = reused ? this.verifyCached(token) : this.verifyOnce(token);
    } catch (error) {
      if (error instanceof TokenError) return { status: 'invalid' };
      throw error;
    }
    if (!hasClaimShapes(payload)) return { status: 'invalid' };
    const claims: TokenClaims = {
      sub: payload.sub,
      sid: payload.sid,
      jti: payload.jti,
      typ: payload.typ,
      iat: payload.iat,
      exp: payload.exp,
    };
    return nowMs >= claims.exp * 1000 ? { status: 'expired', claims } : { status: 'valid', claims };
  }
}
