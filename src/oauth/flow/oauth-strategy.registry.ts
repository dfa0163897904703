import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import passport, { type Strategy } from 'passport';
import type { SocialProvider } from '../providers/index.js';

/**
 * Passport keeps strategies in one registry per process, by name. Besides the
 * plain name `PassportStrategy` registers (`kakao`, …), each app registers its
 * strategies under names of its own and its guard asks for those, so several
 * instances of the app in one process (tests of a multi-instance setup) each
 * use their own configuration and store.
 */
@Injectable()
export class OAuthStrategyRegistry implements OnModuleDestroy {
  private readonly suffix = randomBytes(6).toString('hex');
  private readonly registered = new Set<string>();

  nameOf(provider: SocialProvider): string {
    return `${provider}#${this.suffix}`;
  }

  register(provider: SocialProvider, strategy: Strategy): void {
    const name = this.nameOf(provider);
    passport.use(name, strategy);
    this.registered.add(name);
  }

  onModuleDestroy(): void {
    for (const name of this.registered) passport.unuse(name);
    this.registered.clear();
  }
}
