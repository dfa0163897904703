import { Module } from '@nestjs/common';
import { EmailKeys } from './email-keys.js';
import { SecurityEvents } from './security-events.js';

/** The keyed email hash for Redis keys and logs, and the security event log (SPEC §5). */
@Module({ providers: [EmailKeys, SecurityEvents], exports: [EmailKeys, SecurityEvents] })
export class SecurityModule {}
