import { ApiProperty } from '@nestjs/swagger';
import { FIELD_MESSAGES } from '../../../common/errors/error-catalogue.js';
import { Field, isString, required } from '../../../common/validation/field-rules.js';

export class KakaoTokenDto {
  @ApiProperty({
    example: 'xRZ7bK2m1q9Jt8c0sVfYh3Ld6pNwE4uA5gTkOi',
    description: '프론트엔드가 카카오 로그인으로 받은 카카오 액세스 토큰 (이 서비스의 앱에서 발급된 것)',
  })
  @Field([required(FIELD_MESSAGES.kakaoAccessTokenRequired), isString(FIELD_MESSAGES.kakaoAccessTokenRequired)])
  accessToken: string;
}
