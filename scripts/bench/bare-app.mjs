// The benchmark's baseline: a minimal NestJS-on-Express app with one GET route
// answering a /me-sized envelope, started like the service (`node <file>`, same
// Node, PORT/HOST from the environment). Decorators are applied as functions so
// this runs as plain JavaScript without a build step.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const PROFILE = {
  code: { code: 200, message: '성공' },
  message: '성공',
  data: {
    id: 1,
    email: 'bench-1@example.com',
    name: '벤치',
    nickname: 'bench1',
    birthDate: '2000-01-01',
    addressSido: null,
    addressGugun: null,
    provider: 'local',
  },
};

class BareController {
  me() {
    return PROFILE;
  }
}
Get('me')(BareController.prototype, 'me', Object.getOwnPropertyDescriptor(BareController.prototype, 'me'));
Controller('bare')(BareController);

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
// The bench's opt-in row `bare-noetag`: without the ETag Express computes by default (the service sets it off).
if (process.env.BARE_ETAG === 'off') app.set('etag', false);
await app.listen(Number(process.env.PORT ?? 8081), process.env.HOST ?? '127.0.0.1');
