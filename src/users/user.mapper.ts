import { ApiProperty } from '@nestjs/swagger';
import type { AuthProvider, UserEntity } from './user.entity.js';
import { SOCIAL_PROVIDERS } from '../oauth/providers/index.js';

/** The user object of SPEC §2: never a password or hash. */
export class UserResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'user@example.com' })
  email: string;

  @ApiProperty({ example: '홍길동' })
  name: string;

  @ApiProperty({ example: '길동이' })
  nickname: string;

  @ApiProperty({ example: '2000-01-01', nullable: true, type: String })
  birthDate: string | null;

  @ApiProperty({ example: '서울특별시', nullable: true, type: String })
  addressSido: string | null;

  @ApiProperty({ example: '강남구', nullable: true, type: String })
  addressGugun: string | null;

  @ApiProperty({ example: 'local', enum: ['local', ...SOCIAL_PROVIDERS] })
  provider: AuthProvider;
}

export function mapUser(user: UserEntity): UserResponse {
  return {
    id: Number(user.id),
    email: user.email,
    name: user.name,
    nickname: user.nickname,
    birthDate: user.birthDate,
    addressSido: user.addressSido,
    addressGugun: user.addressGugun,
    provider: user.provider,
  };
}
