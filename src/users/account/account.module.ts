import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { StoreModule } from '../../cache/store.module.js';
import { BackgroundTasks } from '../../common/async/background-tasks.js';
import { SecurityModule } from '../../common/security/security.module.js';
import { TimeModule } from '../../common/time/time.module.js';
import { MailModule } from '../../mail/mail.module.js';
import { KakaoModule } from '../../oauth/kakao/kakao.module.js';
import { TokenModule } from '../../token/token.module.js';
import { UsersModule } from '../users.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { PasswordController } from './password.controller.js';
import { PasswordResetService } from './password-reset.service.js';

/**
 * The account's lifecycle (SPEC §5): password reset by mail, password change
 * and withdrawal. Apart from UsersModule because it checks passwords with
 * Auth's hashing and login limit, and Auth itself reads Users. Withdrawal
 * unlinks Kakao accounts through KakaoModule's admin client.
 */
@Module({
  imports: [AuthModule, UsersModule, TokenModule, MailModule, StoreModule, TimeModule, SecurityModule, KakaoModule],
  controllers: [PasswordController, AccountController],
  providers: [AccountService, PasswordResetService, BackgroundTasks],
})
export class AccountModule {}
