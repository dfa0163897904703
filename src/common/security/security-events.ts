import { Injectable, Logger } from '@nestjs/common';
import { currentClient, currentTraceId } from '../logging/request-context.js';
import { EmailKeys } from './email-keys.js';

/** SPEC §5 "Security events". */
export type SecurityEvent =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'refresh.reused'
  | 'session.revoked'
  | 'password.reset.requested'
  | 'password.reset.completed'
  | 'password.changed'
  | 'account.deleted'
  | 'kakao.unlinked';

/** Signals an operator may alert on are written as warnings; the rest as info. */
const WARNINGS: ReadonlySet<SecurityEvent> = new Set(['login.failed', 'login.throttled', 'refresh.reused']);

export interface SecurityEventDetails {
  userId?: number | string;
  /** The normalised email; the record carries only its keyed hash (`emailHash`). */
  email?: string;
  sessionId?: string;
  /** A short machine word, e.g. the revocation reason. Never a password, token or code. */
  reason?: string;
}

/** The structured record, as written. */
export interface SecurityEventRecord {
  msg: 'security event';
  event: SecurityEvent;
  userId?: number;
  emailHash?: string;
  sessionId?: string;
  reason?: string;
  ip: string | null;
  userAgent: string | null;
  traceId: string | null;
}

/**
 * Writes security events through the application's logger as structured
 * records `{ event, userId?, emailHash?, ip, userAgent, traceId }`. The
 * client address, User-Agent and traceId come from the request being served
 * (the trace middleware's context), so callers pass only what they know:
 *
 *   this.events.emit('login.failed', { email: dto.email });
 *   this.events.emit('session.revoked', { userId, sessionId, reason: 'logout' });
 *
 * An email is never written as such, only as its keyed hash (EmailKeys).
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('SecurityEvents');

  constructor(private readonly emailKeys: EmailKeys) {}

  emit(event: SecurityEvent, details: SecurityEventDetails = {}): void {
    const { ip, userAgent } = currentClient();
    const record: SecurityEventRecord = {
      msg: 'security event',
      event,
      ...(details.userId !== undefined && { userId: Number(details.userId) }),
      ...(details.email !== undefined && { emailHash: this.emailKeys.hash(details.email) }),
      ...(details.sessionId !== undefined && { sessionId: details.sessionId }),
      ...(details.reason !== undefined && { reason: details.reason }),
      ip,
      userAgent,
      traceId: currentTraceId() ?? null,
    };
    if (WARNINGS.has(event)) this.logger.warn(record);
    else this.logger.log(record);
  }
}
