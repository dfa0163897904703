import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Checks real responses against the service's own OpenAPI document: the
 * status must be documented for the operation, every required response
 * header present and well-formed, and the JSON body must match the schema
 * of that status, with no property the schema does not name.
 *
 * On Ajv, with the small part of an OpenAPI validator this needs (path
 * templates, $refs into components, headers); see docs/DECISIONS.md.
 */

// ajv-formats is CommonJS with `exports.default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationDoc>>;
  components?: { schemas?: Record<string, Json>; headers?: Record<string, HeaderDoc> };
}

interface OperationDoc {
  responses: Record<string, ResponseDoc>;
}

interface ResponseDoc {
  headers?: Record<string, HeaderDoc | { $ref: string }>;
  content?: Record<string, { schema?: Json }>;
}

interface HeaderDoc {
  required?: boolean;
  schema?: Json;
}

/** What is read of a response (supertest's Response has these). */
export interface CheckedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

/** Answers that come before routing (body parser, rate limiter, outage, unknown route), for requests no operation matches. */
const UNROUTED_STATUSES = new Set([400, 404, 413, 415, 429, 500, 503]);
/** Served by SwaggerModule itself, not operations of the API. */
const DOCS_PREFIX = '/api/docs';
const SCHEMAS_ID = 'openapi-schemas.json';

/** `#/components/schemas/X` → a ref into the schema Ajv holds; open objects closed (see closeObjects). */
function prepare(node: unknown, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map((item) => prepare(item));
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      out.$ref = `${SCHEMAS_ID}#/definitions/${value.slice('#/components/schemas/'.length)}`;
    } else if (key === 'allOf' && Array.isArray(value)) {
      out.allOf = value.map((item) => prepare(item, true));
    } else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([name, schema]) => [name, prepare(schema)]),
      );
    } else {
      out[key] = prepare(value);
    }
  }
  // An object schema that names its properties allows no others, so an undocumented field fails.
  // Not inside allOf, where each branch sees only its own properties.
  if (out.properties !== undefined && out.additionalProperties === undefined && !inAllOf) {
    out.additionalProperties = false;
  }
  return out;
}

function templateRegex(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}

export class OpenApiResponseValidator {
  private readonly ajv: Ajv;
  private readonly paths: { template: string; regex: RegExp; params: number }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(this.ajv);
    // OpenAPI 3.0 annotations that are not JSON Schema keywords.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
    this.ajv.addSchema({ $id: SCHEMAS_ID, definitions: prepare(document.components?.schemas ?? {}) as Json });
    this.paths = Object.keys(document.paths)
      .map((template) => ({ template, regex: templateRegex(template), params: (template.match(/\{/g) ?? []).length }))
      // Literal paths win over templated ones.
      .sort((a, b) => a.params - b.params);
  }

  /** Throws when the response is not what the document says `method url` answers. */
  check(method: string, url: string, res: CheckedResponse): void {
    const path = new URL(url, 'http://localhost').pathname;
    const verb = method.toLowerCase() === 'del' ? 'delete' : method.toLowerCase();
    if (path === DOCS_PREFIX || path.startsWith(`${DOCS_PREFIX}/`) || path.startsWith(`${DOCS_PREFIX}-`)) return;
    const template = this.paths.find((candidate) => candidate.regex.test(path))?.template;
    const operation = template ? this.document.paths[template][verb === 'head' ? 'get' : verb] : undefined;
    const where = `${method.toUpperCase()} ${path}`;
    this.expectHeader(where, res, 'x-trace-id', { required: true });
    if (!operation || !template) {
      // CORS preflights are answered by the CORS middleware, not an operation.
      if (verb === 'options') return;
      if (!UNROUTED_STATUSES.has(res.status)) {
        throw new Error(`${where} is no documented operation, yet answered ${res.status}\n${bodyOf(res)}`);
      }
      this.expectSchema(where, `unrouted ${res.status}`, { $ref: '#/components/schemas/ErrorResponse' }, res);
      return;
    }
    const response = operation.responses[String(res.status)] ?? operation.responses.default;
    if (!response) {
      throw new Error(
        `${where} answered ${res.status}, which the document does not list for it ` +
          `(documented: ${Object.keys(operation.responses).join(', ')})\n${bodyOf(res)}`,
      );
    }
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      this.expectHeader(where, res, name.toLowerCase(), this.resolveHeader(header));
    }
    if (!response.content || verb === 'head') return;
    const type = String(res.headers['content-type'] ?? '')
      .split(';', 1)[0]
      .trim();
    const media = response.content[type];
    if (!media) {
      throw new Error(
        `${where} answered ${res.status} as "${type}", documented: ${Object.keys(response.content).join(', ')}`,
      );
    }
    if (media.schema && type === 'application/json') {
      this.expectSchema(where, `${template} ${verb} ${res.status}`, media.schema, res);
    }
  }

  private resolveHeader(header: HeaderDoc | { $ref: string }): HeaderDoc {
    if (!('$ref' in header)) return header;
    const name = header.$ref.replace('#/components/headers/', '');
    const resolved = this.document.components?.headers?.[name];
    if (!resolved) throw new Error(`the document refers to a missing header ${header.$ref}`);
    return resolved;
  }

  private expectHeader(where: string, res: CheckedResponse, name: string, header: HeaderDoc): void {
    const value = res.headers[name];
    if (value === undefined) {
      if (header.required) throw new Error(`${where} answered ${res.status} without the documented header ${name}`);
      return;
    }
    if (!header.schema) return;
    const validate = this.compile(`header ${JSON.stringify(header.schema)}`, header.schema);
    for (const one of Array.isArray(value) ? value : [value]) {
      if (!validate(one)) {
        throw new Error(`${where}: header ${name}: ${JSON.stringify(one)} ${this.ajv.errorsText(validate.errors)}`);
      }
    }
  }

  private expectSchema(where: string, key: string, schema: Json, res: CheckedResponse): void {
    const validate = this.compile(key, schema);
    if (!validate(res.body)) {
      throw new Error(
        `${where} answered ${res.status} with a body the document does not describe: ` +
          `${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}\n${bodyOf(res)}`,
      );
    }
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(prepare(schema) as Json);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function bodyOf(res: CheckedResponse): string {
  const text = typeof res.body === 'object' && res.body !== null ? JSON.stringify(res.body) : (res.text ?? '');
  return `body: ${text.slice(0, 500)}`;
}

const validators = new Map<string, OpenApiResponseValidator>();

/** One validator per distinct document, shared by the apps a test file starts. */
export function validatorFor(document: OpenApiDocument): OpenApiResponseValidator {
  const key = JSON.stringify(document);
  let validator = validators.get(key);
  if (!validator) {
    validator = new OpenApiResponseValidator(document);
    validators.set(key, validator);
  }
  return validator;
}
