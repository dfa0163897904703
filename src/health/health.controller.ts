import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { KeyValueStore } from '../cache/key-value.store.js';
import { Public } from '../common/decorators/public.decorator.js';

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
  @HealthCheck()
  @ApiOperation({ summary: '상태 확인 (database, redis)' })
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
