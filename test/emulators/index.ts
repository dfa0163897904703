/**
 * Local OAuth2 provider emulators for tests. Each start* function listens on 127.0.0.1:<random>
 * and resolves to a started emulator; put its `urls` into the service's *_URI env vars.
 */
import type { SocialProvider } from '../../src/oauth/providers/index.js';
import { startGitHubEmulator } from './github.emulator.js';
import { startGoogleEmulator } from './google.emulator.js';
import { startKakaoEmulator } from './kakao.emulator.js';
import { startNaverEmulator } from './naver.emulator.js';
import type { OAuthEmulator } from './oauth-emulator.js';

export {
  type AccessGrant,
  type EmulatorClient,
  type EmulatorOptions,
  type EmulatorUrls,
  type EmulatorUser,
  OAuthEmulator,
  OAuthEmulator as StartedEmulator,
  pkceMatches,
  type RecordedRequest,
} from './oauth-emulator.js';
export { KakaoEmulator, startKakaoEmulator } from './kakao.emulator.js';
export {
  GOOGLE_EMAIL_SCOPE,
  GOOGLE_PROFILE_SCOPE,
  GOOGLE_UNVERIFIABLE_KID,
  GoogleEmulator,
  startGoogleEmulator,
} from './google.emulator.js';
export { GitHubEmulator, startGitHubEmulator } from './github.emulator.js';
export { NaverEmulator, startNaverEmulator } from './naver.emulator.js';

/** The emulator of each provider in src/oauth/providers: a new provider's emulator is listed here. */
export const EMULATOR_STARTERS: Record<SocialProvider, () => Promise<OAuthEmulator>> = {
  kakao: () => startKakaoEmulator(),
  google: () => startGoogleEmulator(),
  github: () => startGitHubEmulator(),
  naver: () => startNaverEmulator(),
};
