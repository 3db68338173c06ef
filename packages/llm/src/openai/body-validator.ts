import { Ajv, type ValidateFunction } from 'ajv';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import { ajvErrorToRequestError, describeValue } from './ajv-error-message.js';
import { chatSchema } from './chat-schema.js';
import { completionsSchema } from './completions-schema.js';
import { type EmbeddingsBody, embeddingsSchema } from './embeddings-schema.js';
import type { ChatBody, CompletionsBody, Endpoint } from './request-types.js';
import { type ResponsesBody, responsesSchema } from './responses-schema.js';
import {
  UNSUPPORTED_CHAT_FIELDS,
  UNSUPPORTED_COMPLETIONS_FIELDS,
  UNSUPPORTED_RESPONSES_FIELDS,
} from './unsupported-fields.js';

// Compiled once per process: validation of a body is then a plain function call.
const ajv = new Ajv({
  allErrors: false,
  coerceTypes: false,
  useDefaults: false,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
});
ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
/** Every request body the OpenAI layer validates. */
export type BodyKind = Endpoint | 'embeddings' | 'responses';

const schemas: Record<BodyKind, Record<string, unknown>> = {
  completions: completionsSchema,
  'chat/completions': chatSchema,
  embeddings: embeddingsSchema,
  responses: responsesSchema,
};
const validators = Object.fromEntries(
  Object.entries(schemas).map(([kind, schema]) => [kind, ajv.compile(schema)]),
) as unknown as Record<BodyKind, ValidateFunction>;
const unsupported: Record<BodyKind, Readonly<Record<string, string>>> = {
  completions: UNSUPPORTED_COMPLETIONS_FIELDS,
  'chat/completions': UNSUPPORTED_CHAT_FIELDS,
  embeddings: {},
  responses: UNSUPPORTED_RESPONSES_FIELDS,
};
const known = Object.fromEntries(
  Object.entries(schemas).map(([kind, schema]) => [kind, new Set(Object.keys(schema.properties as object))]),
) as unknown as Record<BodyKind, ReadonlySet<string>>;

/**
 * Checks a body against the endpoint's schema. Throws a `RequestError` naming the first
 * problem: unsupported and unknown fields first (by name), then types and ranges.
 */
export function validateBody(endpoint: 'completions', body: unknown): CompletionsBody;
export function validateBody(endpoint: 'chat/completions', body: unknown): ChatBody;
export function validateBody(endpoint: 'embeddings', body: unknown): EmbeddingsBody;
export function validateBody(endpoint: 'responses', body: unknown): ResponsesBody;
export function validateBody(endpoint: Endpoint, body: unknown): CompletionsBody | ChatBody;
export function validateBody(
  endpoint: BodyKind,
  body: unknown,
): CompletionsBody | ChatBody | EmbeddingsBody | ResponsesBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw RequestError.invalid(
      null,
      `Invalid request body: expected a JSON object, but got ${describeValue(body)}.`,
      L.REQUEST_INVALID_TYPE,
    );
  }
  let checked = body as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    // Own keys only: `constructor` or `__proto__` in a body are unknown keys like any other,
    // never a lookup up the table's prototype chain.
    const reason = Object.hasOwn(unsupported[endpoint], key) ? unsupported[endpoint][key] : undefined;
    if (reason !== undefined && checked[key] === null) {
      // `"tools": null` means "not set" to several clients; drop it rather than fail.
      const { [key]: _dropped, ...rest } = checked;
      checked = rest;
      continue;
    }
    if (reason !== undefined) {
      throw RequestError.invalid(
        key,
        `Unsupported parameter: '${key}' is not supported by this server (${reason}); remove it from the request.`,
        L.REQUEST_UNSUPPORTED_PARAMETER,
      );
    }
    if (!known[endpoint].has(key)) {
      throw RequestError.invalid(
        key,
        `Unrecognized request argument supplied: ${key}`,
        L.REQUEST_UNKNOWN_PARAMETER,
      );
    }
  }
  const validate = validators[endpoint];
  if (!validate(checked)) throw ajvErrorToRequestError(validate.errors ?? []);
  return checked as unknown as CompletionsBody | ChatBody | EmbeddingsBody | ResponsesBody;
}
