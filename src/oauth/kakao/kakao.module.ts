import { Module } from '@nestjs/common';
import { SecurityModule } from '../../common/security/security.module.js';
import { TokenModule } from '../../token/token.module.js';
import { UsersModule } from '../../users/users.module.js';
import { KakaoAdminClient } from './kakao-admin.client.js';
import { KakaoUnlinkController } from './kakao-unlink.controller.js';

/**
 * Kakao's admin-key API (SPEC §5): the unlink notification Kakao sends, and
 * the unlink call that withdrawal makes (AccountService, hence the export).
 * Kakao token sign-in needs the login service and is wired in OAuthModule.
 */
@Module({
  imports: [UsersModule, TokenModule, SecurityModule],
  controllers: [KakaoUnlinkController],
  providers: [KakaoAdminClient],
  exports: [KakaoAdminClient],
})
export class KakaoModule {}
