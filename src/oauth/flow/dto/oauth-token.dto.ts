import { ApiProperty } from '@nestjs/swagger';
import { FIELD_MESSAGES } from '../../../common/errors/error-catalogue.js';
import { Field, isString, required } from '../../../common/validation/field-rules.js';

export class OAuthTokenDto {
  @ApiProperty({
    example: 'q0mM3x8d0b3l8a1V2kE7n9cS4uWZrTtYp6JfHgD5sQo',
    description: '소셜 로그인 리다이렉트(OAUTH2_TOKEN_DELIVERY=code)로 받은 일회용 코드, 60초 유효',
  })
  @Field([required(FIELD_MESSAGES.oauthCodeRequired), isString(FIELD_MESSAGES.oauthCodeRequired)])
  code: string;
}
