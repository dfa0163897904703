import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who the access token says the caller is; set by the JWT guard. */
export interface Principal {
  userId: number;
  sessionId: string;
  tokenId: string;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
  }
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<Request>().principal;
  if (!principal) throw new Error('CurrentUser used on a route without the JWT guard');
  return principal;
});
