import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/time/clock.js';
import { authConfig } from '../config/auth.config.js';
import { JwtCodec, type TokenClaims, type TokenType } from './jwt.codec.js';

export type VerifiedToken =
  { status: 'valid'; claims: TokenClaims } | { status: 'expired'; claims: TokenClaims } | { status: 'invalid' };

/** Issues and checks JWTs of both kinds; the type claim keeps them apart. */
@Injectable()
export class JwtTokenService {
  private readonly codec: JwtCodec;

  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly clock: Clock,
  ) {
    this.codec = new JwtCodec(auth.jwtSecret);
  }

  /** `notAfterMs`: the session's absolute end; the token's `exp` never passes it (SPEC §5). */
  issue(
    type: TokenType,
    userId: number,
    sessionId: string,
    jti: string = randomUUID(),
    notAfterMs: number = Number.POSITIVE_INFINITY,
  ): { token: string; expiresAt: number } {
    const nowMs = this.clock.now();
    const iat = Math.floor(nowMs / 1000);
    const ttlMs = type === 'access' ? this.auth.accessTtlMs : this.auth.refreshTtlMs;
    const exp = Math.min(iat + Math.ceil(ttlMs / 1000), Math.floor(notAfterMs / 1000));
    const token = this.codec.encode({ sub: String(userId), sid: sessionId, jti, typ: type, iat, exp });
    return { token, expiresAt: exp * 1000 };
  }

  /** Verifies signature, algorithm, claims and type; expiry is reported, not thrown. */
  verify(token: string, type: TokenType): VerifiedToken {
    const result = this.codec.decode(token, this.clock.now(), type === 'access');
    if (result.status !== 'invalid' && result.claims.typ !== type) return { status: 'invalid' };
    return result;
  }
}
