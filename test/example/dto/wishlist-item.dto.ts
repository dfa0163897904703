import { ApiProperty } from '@nestjs/swagger';
import { Field, isString, maxChars, noControlChars, required } from '../../../src/common/validation/field-rules.js';
import type { WishlistItemEntity } from '../wishlist-item.entity.js';
import { WISHLIST_FIELD_MESSAGES as M, WISHLIST_NAME_MAX_LENGTH, WISHLIST_PRICE_MAX } from '../wishlist.messages.js';

/** Body of `POST /api/example/wishlist`. Each field's rules run in order; the first that fails is its message. */
export class AddWishlistItemDto {
  @ApiProperty({ example: '강아지 하네스 M', maxLength: WISHLIST_NAME_MAX_LENGTH })
  @Field([
    required(M.nameRequired),
    isString(M.nameRequired),
    noControlChars(M.nameLength),
    maxChars(WISHLIST_NAME_MAX_LENGTH, M.nameLength),
  ])
  name: string;

  @ApiProperty({ example: 15000, type: 'integer', minimum: 0, maximum: WISHLIST_PRICE_MAX, description: '원' })
  @Field([
    required(M.priceRequired),
    {
      check: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= WISHLIST_PRICE_MAX,
      message: M.priceRange,
    },
  ])
  priceWon: number;
}

/** An item of the wishlist as the API shows it: never the entity itself. */
export class WishlistItemResponse {
  @ApiProperty({ example: 1, type: 'integer' })
  id: number;

  @ApiProperty({ example: '강아지 하네스 M' })
  name: string;

  @ApiProperty({ example: 15000, type: 'integer' })
  priceWon: number;

  @ApiProperty({ example: '2025-11-14T06:45:00.000Z', format: 'date-time' })
  createdAt: string;
}

export function mapWishlistItem(item: WishlistItemEntity): WishlistItemResponse {
  return { id: Number(item.id), name: item.name, priceWon: item.priceWon, createdAt: item.createdAt.toISOString() };
}
