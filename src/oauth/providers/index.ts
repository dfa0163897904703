import type { ErrorCode } from '../../common/errors/error-catalogue.js';
import { SOCIAL_PROVIDERS, type SocialProvider } from '../../config/oauth.config.js';

export { SOCIAL_PROVIDERS, type SocialProvider };

export function isSocialProvider(value: string): value is SocialProvider {
  return (SOCIAL_PROVIDERS as readonly string[]).includes(value);
}

/** The callback paths this service serves per provider (seed 004's alias for Kakao). */
export const CALLBACK_PATHS: Record<SocialProvider, readonly string[]> = {
  kakao: ['/login/oauth2/code/kakao', '/api/auth/kakao/callback'],
  google: ['/login/oauth2/code/google'],
  github: ['/login/oauth2/code/github'],
  naver: ['/login/oauth2/code/naver'],
};

/** The failure code of a provider whose exchange or profile read failed (SPEC §3). */
export const AUTH_FAILED: Record<SocialProvider, ErrorCode> = {
  kakao: 'KAKAO_AUTH_FAILED',
  google: 'GOOGLE_AUTH_FAILED',
  github: 'GITHUB_AUTH_FAILED',
  naver: 'NAVER_AUTH_FAILED',
};

/** Where an operator registers the callback URL, for the start-up log and `npm run doctor`. */
export const PROVIDER_CONSOLES: Record<SocialProvider, { name: string; where: string }> = {
  kakao: {
    name: 'Kakao',
    where:
      'developers.kakao.com → 내 애플리케이션 → 카카오 로그인 → Redirect URI (client id = REST API 키; ' +
      '동의항목: 닉네임, 카카오계정(이메일))',
  },
  google: {
    name: 'Google',
    where: 'console.cloud.google.com → APIs & Services → Credentials → OAuth client → Authorized redirect URIs',
  },
  github: {
    name: 'GitHub',
    where: 'github.com → Settings → Developer settings → OAuth Apps → Authorization callback URL',
  },
  naver: {
    name: 'Naver',
    where: 'developers.naver.com → 내 애플리케이션 → API 설정 → 네이버 로그인 Callback URL (제공 정보: 이메일 주소)',
  },
};

/** First four characters and `***`: enough to tell two keys apart in a log, not enough to use one. */
export function maskClientId(clientId: string): string {
  return clientId === '' ? '(unset)' : `${clientId.slice(0, 4)}***`;
}
