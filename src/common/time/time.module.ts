import { Module } from '@nestjs/common';
import { Clock } from './clock.js';

/** The one Clock of the application: every module imports this, so all share it. */
@Module({ providers: [Clock], exports: [Clock] })
export class TimeModule {}
