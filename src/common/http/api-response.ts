import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ERRORS, STATUS_MESSAGES } from '../errors/error-catalogue.js';

export class StatusObject {
  @ApiProperty({ type: 'integer', example: 200 })
  code: number;

  @ApiProperty({ example: '성공' })
  message: string;
}

/** The success envelope of SPEC §1. */
export interface ApiResponse<T> {
  code: { code: number; message: string };
  message: string;
  data: T;
}

export function success<T>(data: T, message = STATUS_MESSAGES[200], status = 200): ApiResponse<T> {
  return { code: { code: status, message: STATUS_MESSAGES[status] }, message, data };
}

export function created<T>(data: T): ApiResponse<T> {
  return success(data, STATUS_MESSAGES[201], 201);
}

/** The error envelope of SPEC §1. */
export interface ErrorResponse {
  code: { code: number; message: string };
  message: string;
  traceId: string;
  timestamp: string;
  errorCode: string;
  errors?: { field: string; message: string }[];
}

@ApiSchema({ name: 'FieldError' })
class FieldErrorDoc {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: '이메일은 필수입니다.' })
  message: string;
}

/** Swagger model of the error envelope; `errorCode` lists the whole catalogue. */
@ApiSchema({ name: 'ErrorResponse' })
export class ErrorResponseDoc {
  @ApiProperty({ type: StatusObject, example: { code: 400, message: '잘못된 요청' } })
  code: StatusObject;

  @ApiProperty({ example: '이메일은 필수입니다.' })
  message: string;

  @ApiProperty({ example: 'e1e4456f40d648c7a24fc7d5cd85e4af', pattern: '^[A-Za-z0-9._-]{1,64}$' })
  traceId: string;

  @ApiProperty({
    example: '2025-11-14T15:45:00',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$',
    description: 'APP_TIMEZONE 기준 현지 시각, 오프셋 없음',
  })
  timestamp: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', enum: Object.keys(ERRORS), enumName: 'ErrorCode' })
  errorCode: string;

  @ApiProperty({ type: [FieldErrorDoc], required: false })
  errors?: FieldErrorDoc[];
}
