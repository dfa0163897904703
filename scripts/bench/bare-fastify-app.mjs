// The same baseline as bare-app.mjs on NestJS's Fastify adapter: one GET route
// answering the /me-sized envelope, started the same way (`node <file>`, same
// Node, PORT/HOST from the environment). Measures what the platform alone costs.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

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

const app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 8081), process.env.HOST ?? '127.0.0.1');
