import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { KeyValueStore } from '../cache/key-value.store.js';
import { Public } from '../common/decorators/public.decorator.js';

/** Terminus' result, each field present: `{status, info, error, details}` keyed by dependency name. */
function healthSchema(status: string, example: Record<string, { status: string }>): SchemaObject {
  const indicators: SchemaObject = {
    type: 'object',
    additionalProperties: {
      type: 'object',
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['up', 'down'] },
        responseTime: { type: 'number', description: '확인에 걸린 시간 (ms)' },
      },
      // Terminus adds fields of its own to a failed check.
      additionalProperties: true,
    },
  };
  const down = Object.fromEntries(Object.entries(example).filter(([, value]) => value.status === 'down'));
  const up = Object.fromEntries(Object.entries(example).filter(([, value]) => value.status === 'up'));
  return {
    type: 'object',
    required: ['status', 'info', 'error', 'details'],
    properties: {
      status: { type: 'string', enum: [status] },
      info: indicators,
      error: indicators,
      details: indicators,
    },
    example: { status, info: up, error: down, details: example },
  };
}

/** 200 when PostgreSQL and the store answer; 503 naming the one that does not. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(KeyValueStore) private readonly store: KeyValueStore,
  ) {}

  @Public()
  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: '상태 확인 (database, redis)' })
  @ApiResponse({
    status: 200,
    description: '모두 응답함',
    schema: healthSchema('ok', { database: { status: 'up' }, redis: { status: 'up' } }),
  })
  @ApiResponse({
    status: 503,
    description: '응답하지 않는 의존성이 있음 (이름만 밝힘)',
    schema: healthSchema('error', { database: { status: 'up' }, redis: { status: 'down' } }),
  })
  async check(@Res() res: Response): Promise<void> {
    try {
      res
        .status(200)
        .json(await this.health.check([() => this.db.pingCheck('database', { timeout: 2_000 }), () => this.redis()]));
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        res.status(503).json(error.getResponse());
        return;
      }
      throw error;
    }
  }

  private async redis(): Promise<HealthIndicatorResult> {
    try {
      await this.store.ping();
      return { redis: { status: 'up' } };
    } catch {
      return { redis: { status: 'down' } };
    }
  }
}
