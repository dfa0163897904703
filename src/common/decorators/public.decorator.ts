import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Opens a route that the global JWT guard would otherwise protect. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
