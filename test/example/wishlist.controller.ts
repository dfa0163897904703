import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '../../src/common/decorators/current-user.decorator.js';
import { AppException } from '../../src/common/errors/app.exception.js';
import { ApiEnvelope, ApiErrors } from '../../src/common/http/api-docs.decorators.js';
import { type ApiResponse, created, success } from '../../src/common/http/api-response.js';
import { AddWishlistItemDto, mapWishlistItem, WishlistItemResponse } from './dto/wishlist-item.dto.js';
import { WISHLIST_FIELD_MESSAGES as M } from './wishlist.messages.js';
import { WishlistService } from './wishlist.service.js';

const ITEM_ID = /^[1-9][0-9]{0,17}$/;

/** The signed-in user's wishlist. No @Public(): the global JWT guard protects every route. */
@ApiTags('example')
@ApiBearerAuth()
@Controller('api/example/wishlist')
export class WishlistController {
  constructor(private readonly wishlist: WishlistService) {}

  @Post()
  @ApiOperation({ summary: '찜 목록에 추가', description: '로그인한 사용자의 찜 목록에 상품을 추가합니다.' })
  @ApiEnvelope({ status: 201, message: '생성됨', data: WishlistItemResponse })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.nameRequired, field: 'name', summary: 'name 없음' },
    { code: 'VALIDATION_FAILED', message: M.priceRange, field: 'priceWon', summary: 'priceWon 범위 밖' },
  )
  async add(
    @CurrentUser() principal: Principal,
    @Body() dto: AddWishlistItemDto,
  ): Promise<ApiResponse<WishlistItemResponse>> {
    return created(mapWishlistItem(await this.wishlist.add(principal.userId, dto)));
  }

  @Get()
  @ApiOperation({ summary: '내 찜 목록', description: '최근에 추가한 순서로 돌려줍니다.' })
  @ApiEnvelope({ message: '성공', data: [WishlistItemResponse] })
  async list(@CurrentUser() principal: Principal): Promise<ApiResponse<WishlistItemResponse[]>> {
    const items = await this.wishlist.listOf(principal.userId);
    return success(items.map(mapWishlistItem));
  }

  @Delete(':itemId')
  @HttpCode(200)
  @ApiOperation({ summary: '찜 목록에서 삭제' })
  @ApiParam({ name: 'itemId', type: 'integer', description: '찜 목록 항목의 id' })
  @ApiEnvelope({ message: '성공' })
  @ApiErrors({ code: 'NOT_FOUND', summary: '숫자가 아님, 없음, 다른 사용자의 항목' })
  async remove(@CurrentUser() principal: Principal, @Param('itemId') itemId: string): Promise<ApiResponse<null>> {
    if (!ITEM_ID.test(itemId)) throw new AppException('NOT_FOUND');
    await this.wishlist.remove(principal.userId, itemId);
    return success(null);
  }
}
