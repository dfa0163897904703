import { ApiProperty } from '@nestjs/swagger';
import { SOCIAL_PROVIDERS } from '../../oauth/providers/index.js';
import type { ActiveSession } from '../session.repository.js';
import type { AuthProvider } from '../../users/user.entity.js';

/** An item of `GET /api/auth/sessions` (SPEC §5). Times are ISO 8601 in UTC (`Z`). */
export class SessionResponse {
  @ApiProperty({ example: '3f2c1e9a-8b7d-4c6e-9f10-2a3b4c5d6e7f', format: 'uuid' })
  id: string;

  @ApiProperty({ example: true, description: '이 요청의 Access Token이 속한 세션이면 true' })
  current: boolean;

  @ApiProperty({ example: 'local', enum: ['local', ...SOCIAL_PROVIDERS] })
  method: AuthProvider;

  @ApiProperty({ example: '2025-11-14T06:45:00.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    example: '2025-11-14T07:50:12.000Z',
    format: 'date-time',
    nullable: true,
    type: String,
    description: '마지막 Refresh Token 갱신 시각, 갱신 전에는 null',
  })
  lastRefreshedAt: string | null;

  @ApiProperty({ example: '2025-12-14T06:45:00.000Z', format: 'date-time', description: 'createdAt + SESSION_MAX_AGE' })
  expiresAt: string;

  @ApiProperty({
    example: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
    nullable: true,
    type: String,
    description: 'User-Agent 앞 200자',
  })
  userAgent: string | null;

  @ApiProperty({ example: '203.0.113.7', nullable: true, type: String })
  ip: string | null;
}

export function mapSession(session: ActiveSession, currentSessionId: string): SessionResponse {
  return {
    id: session.id,
    current: session.id === currentSessionId,
    method: session.method,
    createdAt: new Date(session.createdAt).toISOString(),
    lastRefreshedAt: session.lastRefreshedAt === null ? null : new Date(session.lastRefreshedAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
  };
}
