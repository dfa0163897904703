import { ApiProperty } from '@nestjs/swagger';
import { STATUS_MESSAGES } from '../errors/error-catalogue.js';

export class StatusObject {
  @ApiProperty({ example: 200 })
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

class FieldErrorDoc {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: '이메일은 필수입니다.' })
  message: string;
}

/** Swagger model of the error envelope. */
export class ErrorResponseDoc {
  @ApiProperty({ type: StatusObject, example: { code: 400, message: '잘못된 요청' } })
  code: StatusObject;

  @ApiProperty({ example: '이메일은 필수입니다.' })
  message: string;

  @ApiProperty({ example: 'e1e4456f40d648c7a24fc7d5cd85e4af' })
  traceId: string;

  @ApiProperty({ example: '2025-11-14T15:45:00' })
  timestamp: string;

  @ApiProperty({ example: 'VALIDATION_FAILED' })
  errorCode: string;

  @ApiProperty({ type: [FieldErrorDoc], required: false })
  errors?: FieldErrorDoc[];
}
