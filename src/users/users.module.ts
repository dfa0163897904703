import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StoreModule } from '../cache/store.module.js';
import { SocialAccountService } from './social-account.service.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), StoreModule],
  providers: [UsersRepository, UsersService, SocialAccountService],
  // The repository too: the account lifecycle (users/account) and sign-up and login (auth) read and write it.
  exports: [UsersService, SocialAccountService, UsersRepository],
})
export class UsersModule {}
