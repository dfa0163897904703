/**
 * The example's limits and field messages. In src they belong beside the
 * service's own: limits in src/common/validation/limits.ts, messages in
 * FIELD_MESSAGES of src/common/errors/error-catalogue.ts. The example keeps
 * them here because the catalogue holds the SPEC's words only.
 */
export const WISHLIST_NAME_MAX_LENGTH = 50;
export const WISHLIST_PRICE_MAX = 10_000_000;

export const WISHLIST_FIELD_MESSAGES = {
  nameRequired: '상품명은 필수입니다.',
  nameLength: '상품명은 최대 50자까지 입력 가능합니다.',
  priceRequired: '가격은 필수입니다.',
  priceRange: '가격은 0원 이상 10,000,000원 이하의 정수여야 합니다.',
} as const;
