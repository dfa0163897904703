import { Body, Controller, Delete, Get, type INestApplication, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiResponse, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { Public } from '../decorators/public.decorator.js';
import { ApiEnvelope, ApiErrors } from './api-docs.decorators.js';
import { ErrorResponseDoc } from './api-response.js';
import { collectRouteFacts, completeDocument } from './openapi.js';

/** Routes written the way a new feature would be, with nothing but the usual decorators. */
class PasswordDto {
  @ApiProperty()
  currentPassword: string;
}

class SessionItem {
  @ApiProperty({ format: 'uuid' })
  id: string;
}

@Controller('api/auth')
class NewRoutesController {
  @Post('password/change')
  @ApiEnvelope({ message: '비밀번호가 변경되었습니다.' })
  change(@Body() _dto: PasswordDto): void {}

  @Get('sessions')
  @ApiEnvelope({ message: '성공', data: [SessionItem] })
  list(): void {}

  @Delete('sessions/:sessionId')
  @ApiEnvelope({ message: '성공', data: 'string', dataExample: '로그아웃되었습니다.' })
  @ApiErrors('NOT_FOUND')
  revoke(@Param('sessionId') _id: string): void {}

  @Public()
  @Post('password/reset/request')
  @ApiEnvelope({ message: '비밀번호 재설정 메일을 발송했습니다.' })
  request(@Body() _dto: PasswordDto): void {}
}

@Controller('status')
class StatusController {
  @Public()
  @Get()
  @ApiResponse({ status: 503, description: 'down', schema: { type: 'object', properties: {} } })
  check(): void {}
}

type Responses = Record<
  string,
  {
    headers?: Record<string, unknown>;
    content?: Record<string, { schema: { allOf?: { properties?: { errorCode?: { enum?: string[] } } }[] } }>;
  }
>;

function codesAt(responses: Responses, status: number): string[] | undefined {
  return responses[String(status)]?.content?.['application/json']?.schema.allOf?.[1]?.properties?.errorCode?.enum;
}

describe('completeDocument', () => {
  let app: INestApplication;
  let document: OpenAPIObject;
  beforeAll(async () => {
    const module = await Test.createTestingModule({ controllers: [NewRoutesController, StatusController] }).compile();
    app = module.createNestApplication({ logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build(), {
      extraModels: [ErrorResponseDoc],
    });
    completeDocument(document, collectRouteFacts(app), [{ url: '/' }]);
  });
  afterAll(async () => {
    await app.close();
  });

  const operation = (path: string, method: 'get' | 'post' | 'delete') => {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not in the document`);
    return found;
  };

  it('gives a guarded route with a JSON body the guard, body, rate-limit and outage errors, and bearer security', () => {
    const change = operation('/api/auth/password/change', 'post');
    const responses = change.responses as Responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '413', '415', '429', '500', '503']);
    expect(codesAt(responses, 400)).toEqual(['VALIDATION_FAILED', 'INVALID_JSON']);
    expect(codesAt(responses, 401)).toEqual(['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']);
    expect(codesAt(responses, 413)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codesAt(responses, 415)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
    expect(codesAt(responses, 429)).toEqual(['TOO_MANY_REQUESTS']);
    expect(codesAt(responses, 500)).toEqual(['INTERNAL_ERROR']);
    expect(codesAt(responses, 503)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(responses['429'].headers).toEqual({
      'X-Trace-Id': { $ref: '#/components/headers/X-Trace-Id' },
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
    });
    for (const response of Object.values(responses)) {
      expect(response.headers?.['X-Trace-Id']).toEqual({ $ref: '#/components/headers/X-Trace-Id' });
    }
    expect(change.security).toEqual([{ bearer: [] }]);
  });

  it('adds its own @ApiErrors to a route, and the body errors to a DELETE, which may carry one', () => {
    const responses = operation('/api/auth/sessions/{sessionId}', 'delete').responses as Responses;
    expect(codesAt(responses, 404)).toEqual(['NOT_FOUND']);
    expect(codesAt(responses, 400)).toEqual(['INVALID_JSON']);
    expect(codesAt(responses, 401)).toHaveLength(4);
  });

  it('documents a list as data, with its model among the components', () => {
    const responses = operation('/api/auth/sessions', 'get').responses as unknown as Record<
      string,
      { content: Record<string, { schema: { properties: { data: unknown } } }> }
    >;
    expect(responses['200'].content['application/json'].schema.properties.data).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/SessionItem' },
    });
    expect(document.components?.schemas).toHaveProperty('SessionItem');
    expect(Object.keys(responses).sort()).toEqual(['200', '401', '429', '500', '503']);
  });

  it('says security: [] on a @Public() route', () => {
    const request = operation('/api/auth/password/reset/request', 'post');
    expect(request.security).toEqual([]);
    expect(codesAt(request.responses as Responses, 401)).toBeUndefined();
  });

  it('keeps a response a route declares in its own shape, and gives no 429 outside the rate-limited paths', () => {
    const check = operation('/status', 'get');
    const responses = check.responses as Responses;
    expect(responses['503'].content?.['application/json'].schema).toEqual({ type: 'object', properties: {} });
    expect(responses['429']).toBeUndefined();
    expect(codesAt(responses, 500)).toEqual(['INTERNAL_ERROR']);
    expect(check.security).toEqual([]);
  });
});
