import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { KeyValueStore } from '../common/store/key-value.store.js';
import { MemoryStore } from '../cache/memory.store.js';
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
      },
      // Only the status leaves the service: no driver message, host or port.
      additionalProperties: false,
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

/**
 * 200 when PostgreSQL and the store answer; 503 naming the one that does not,
 * by name only (`{ status: 'down' }`): the driver's message, which holds
 * hosts and ports, goes to the log, never to the caller. The store is named
 * `redis`, or `memory` when REDIS_URL is unset (the in-process store).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private readonly storeName: 'redis' | 'memory';

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(KeyValueStore) private readonly store: KeyValueStore,
  ) {
    this.storeName = store instanceof MemoryStore ? 'memory' : 'redis';
  }

  @Public()
  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: '상태 확인 (database, 그리고 redis 또는 memory 저장소)' })
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
      res.status(200).json(await this.health.check([() => this.database(), () => this.storeCheck()]));
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        res.status(503).json(error.getResponse());
        return;
      }
      throw error;
    }
  }

  /** Terminus reports the driver's message beside `down`; only the status leaves, the message is logged. */
  private async database(): Promise<HealthIndicatorResult> {
    let outcome: HealthIndicatorResult;
    try {
      outcome = await this.db.pingCheck('database', { timeout: 2_000 });
    } catch (error) {
      outcome = { database: { status: 'down', message: error instanceof Error ? error.message : String(error) } };
    }
    const { status, message } = outcome.database ?? { status: 'down' };
    if (status !== 'up') this.logDown('database', message);
    return { database: { status: status === 'up' ? 'up' : 'down' } };
  }

  private async storeCheck(): Promise<HealthIndicatorResult> {
    try {
      await this.store.ping();
      return { [this.storeName]: { status: 'up' } };
    } catch (error) {
      this.logDown(this.storeName, error);
      return { [this.storeName]: { status: 'down' } };
    }
  }

  private logDown(dependency: string, cause: unknown): void {
    const inner = cause instanceof Error ? (cause.cause ?? cause) : cause;
    this.logger.warn({
      msg: 'health check failed',
      dependency,
      cause: inner instanceof Error ? inner.message : String(inner),
    });
  }
}
