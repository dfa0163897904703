import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { SocialProfile } from '../providers/social-profile.js';

/** A callback that OAuthGuard let through: the provider's profile and where this login goes back to. */
export interface SocialLogin {
  profile: SocialProfile;
  /** An allow-listed redirect_uri given at the start (from the verified state), else undefined. */
  redirectUri?: string;
}

declare module 'express' {
  interface Request {
    /** The provider's profile of a successful callback, as its definition mapped it; set by OAuthGuard. */
    socialProfile?: SocialProfile;
  }
}

/** The outcome of a provider callback, as OAuthGuard left it on the request. */
export const SocialLogin = createParamDecorator((_data: unknown, context: ExecutionContext): SocialLogin => {
  const request = context.switchToHttp().getRequest<Request>();
  const profile = request.socialProfile;
  if (!profile) throw new Error('OAuth callback reached without a profile');
  return { profile, redirectUri: request.oauthState?.redirectUri };
});
