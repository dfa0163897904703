import { ApiProperty } from '@nestjs/swagger';
import { FIELD_MESSAGES } from '../../common/errors/error-catalogue.js';
import { Field, isString, required } from '../../common/validation/field-rules.js';

export class RefreshDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...',
    description: '`Bearer ` 프리픽스 없이 순수 토큰 문자열',
  })
  @Field([required(FIELD_MESSAGES.refreshTokenRequired), isString(FIELD_MESSAGES.refreshTokenRequired)])
  refreshToken: string;
}
