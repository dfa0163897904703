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
  private readonly verify: (token: string) => Record<string, unknown>;

  constructor(secret: string) {
    this.sign = createSigner({ key: secret, algorithm: 'HS256' });
    this.verify = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      requiredClaims: REQUIRED_CLAIMS,
      cache: VERIFY_CACHE_ENTRIES,
    });
  }

  encode(claims: TokenClaims): string {
    return this.sign(claims);
  }

  decode(token: string, nowMs: number): DecodeResult {
    let payload: Record<string, unknown>;
    try {
      payload = this.verify(token);
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
