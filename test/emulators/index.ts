/**
 * Local OAuth2 provider emulators for tests. Each start* function listens on 127.0.0.1:<random>
 * and resolves to a started emulator; put its `urls` into the service's *_URI env vars.
 */
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
