import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TimeModule } from '../../src/common/time/time.module.js';
import { WishlistController } from './wishlist.controller.js';
import { WishlistItemEntity } from './wishlist-item.entity.js';
import { WishlistService } from './wishlist.service.js';

/**
 * The example feature of docs/EXTENDING.md: a wishlist of pet goods. Mounted
 * by its test through createApp's `modules`; a feature of the service goes
 * into AppModule's imports instead.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WishlistItemEntity]), TimeModule],
  controllers: [WishlistController],
  providers: [WishlistService],
})
export class WishlistModule {}
