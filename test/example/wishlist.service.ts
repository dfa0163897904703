import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '../../src/common/errors/app.exception.js';
import { Clock } from '../../src/common/time/clock.js';
import type { AddWishlistItemDto } from './dto/wishlist-item.dto.js';
import { WishlistItemEntity } from './wishlist-item.entity.js';

@Injectable()
export class WishlistService {
  constructor(
    @InjectRepository(WishlistItemEntity) private readonly items: Repository<WishlistItemEntity>,
    private readonly clock: Clock,
  ) {}

  add(userId: number, item: AddWishlistItemDto): Promise<WishlistItemEntity> {
    return this.items.save(
      this.items.create({
        userId: String(userId),
        name: item.name,
        priceWon: item.priceWon,
        createdAt: new Date(this.clock.now()),
      }),
    );
  }

  /** The user's items, newest first. */
  listOf(userId: number): Promise<WishlistItemEntity[]> {
    return this.items.find({ where: { userId: String(userId) }, order: { id: 'DESC' } });
  }

  /** Removes one of the user's items; another user's item is as absent as one that never existed. */
  async remove(userId: number, itemId: string): Promise<void> {
    const { affected } = await this.items.delete({ id: itemId, userId: String(userId) });
    if (!affected) throw new AppException('NOT_FOUND');
  }
}
