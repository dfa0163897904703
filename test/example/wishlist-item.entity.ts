import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../src/users/user.entity.js';
import { WISHLIST_NAME_MAX_LENGTH } from './wishlist.messages.js';

/** A pet good a user wants to buy. Created by the migration 1796600000000-ExampleWishlist. */
@Entity({ name: 'example_wishlist_items' })
@Index('IDX_example_wishlist_items_user', ['userId'])
export class WishlistItemEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_example_wishlist_items_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: WISHLIST_NAME_MAX_LENGTH })
  name: string;

  @Column({ name: 'price_won', type: 'integer' })
  priceWon: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
