import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../../users/user.mapper.js';

export class TokenPairResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  accessToken: string;

  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  refreshToken: string;
}

export class LoginResponse extends TokenPairResponse {
  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}
