/**
 * The social providers this service signs in with. Each lives in one
 * `<id>.provider.ts`; config, module wiring, the flow, diagnostics, the
 * doctor and the `AuthProvider` type read this list. Adding a provider is
 * adding its file here (see docs/DECISIONS.md).
 */
import { github } from './github.provider.js';
import { google } from './google.provider.js';
import { kakao } from './kakao.provider.js';
import { naver } from './naver.provider.js';
import type { SocialProviderDefinition } from './provider-definition.js';

export const SOCIAL_PROVIDER_DEFINITIONS = [kakao, google, github, naver] as const;

export type SocialProvider = (typeof SOCIAL_PROVIDER_DEFINITIONS)[number]['id'];

export const SOCIAL_PROVIDERS: readonly SocialProvider[] = SOCIAL_PROVIDER_DEFINITIONS.map(
  (definition) => definition.id,
);

const BY_ID = new Map<string, SocialProviderDefinition<SocialProvider>>(
  SOCIAL_PROVIDER_DEFINITIONS.map((definition) => [definition.id, definition]),
);

export function isSocialProvider(value: string): value is SocialProvider {
  return BY_ID.has(value);
}

export function providerDefinition(provider: SocialProvider): SocialProviderDefinition<SocialProvider> {
  const definition = BY_ID.get(provider);
  if (definition === undefined) throw new Error(`no definition for provider ${provider}`);
  return definition;
}
