export {
  type AuthClient,
  type AuthClientOptions,
  type AuthState,
  type AuthStorage,
  createAuthClient,
  DEFAULT_STORAGE_KEY,
  memoryStorage,
  REFRESH_MARGIN_MS,
  type SignupBody,
  type SocialProvider,
  type User,
} from './auth-client.js';
export {
  AuthError,
  type AuthErrorInit,
  CLIENT_ERRORS,
  type ClientErrorCode,
  type FieldError,
  SESSION_ENDING_CODES,
} from './auth-error.js';
export { errorFromBody, parseRetryAfter, readEnvelope } from './envelope.js';
export { parseRedirect, type ParsedRedirect, type RedirectPayload } from './redirect.js';
