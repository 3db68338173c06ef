import { fieldPath, pointerToPath } from '@weft/framework';
import type { ErrorObject } from 'ajv';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';

/** `/messages/0/content` → `messages[0].content` (the framework's path helpers, as YAML problems use). */
export function paramOf(instancePath: string, extra?: string): string {
  const path = pointerToPath(instancePath);
  return fieldPath(extra === undefined ? path : [...path, extra]);
}

/** `a string ("hot")`, `a number (3)`, `an array`, `null` — how a bad value is quoted. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const quote = (v: unknown): string => JSON.stringify(v);

// ajv reports a union's branch errors before the union's own error; the shallowest error (and,
// at equal depth, the union itself) explains the problem best. An `if` error only says that its
// `then` failed: the `then` error itself is the explanation.
function pick(errors: readonly ErrorObject[]): ErrorObject {
  const explaining = errors.filter((e) => e.keyword !== 'if');
  let best = explaining[0] ?? errors[0]!;
  for (const e of explaining) {
    const depth = e.instancePath.split('/').length;
    const bestDepth = best.instancePath.split('/').length;
    if (depth < bestDepth || (depth === bestDepth && e.keyword === 'anyOf')) best = e;
  }
  return best;
}

/** Turns ajv's errors (compiled with `verbose: true`) into one request error that quotes value and rule. */
export function ajvErrorToRequestError(errors: readonly ErrorObject[]): RequestError {
  const e = pick(errors);
  const param = paramOf(e.instancePath);
  const expected =
    (e.parentSchema?.['x-expected'] as string | undefined) ?? String(e.params.type ?? e.schema);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'anyOf':
      if (Array.isArray(e.data) && e.data.length === 0) {
        return RequestError.invalid(
          param,
          `Invalid value for '${param}': 0 items given, at least 1 required.`,
        );
      }
      return RequestError.invalid(
        param || null,
        `Invalid type for '${param || 'body'}': expected ${expected}, but got ${describeValue(e.data)}${Array.isArray(e.data) ? ' that is none of these' : ''}.`,
        L.REQUEST_INVALID_TYPE,
      );
    case 'type':
      return RequestError.invalid(
        param || null,
        `Invalid type for '${param || 'body'}': expected ${expected}, but got ${describeValue(e.data)}.`,
        L.REQUEST_INVALID_TYPE,
      );
    case 'required': {
      const missing = paramOf(e.instancePath, String(p.missingProperty));
      return RequestError.invalid(
        missing,
        `Missing required parameter: '${missing}'.`,
        L.REQUEST_MISSING_PARAMETER,
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = {
        minimum: 'is less than the minimum of',
        maximum: 'is greater than the maximum of',
        exclusiveMinimum: 'must be greater than',
        exclusiveMaximum: 'must be less than',
      }[e.keyword];
      return RequestError.invalid(
        param,
        `Invalid value for '${param}': ${quote(e.data)} ${words} ${p.limit}.`,
      );
    }
    case 'enum':
      return RequestError.invalid(
        param,
        `Invalid value for '${param}': ${quote(e.data)}; supported values are: ${(p.allowedValues as unknown[]).map(quote).join(', ')}.`,
      );
    case 'minItems':
    case 'maxItems': {
      const n = (e.data as unknown[]).length;
      const rule = e.keyword === 'minItems' ? `at least ${p.limit} required` : `at most ${p.limit} allowed`;
      return RequestError.invalid(param, `Invalid value for '${param}': ${n} items given, ${rule}.`);
    }
    case 'minLength':
      return RequestError.invalid(param, `Invalid value for '${param}': ${quote(e.data)} must not be empty.`);
    case 'propertyNames':
    case 'pattern': {
      // The only pattern on keys is logit_bias's token ids; values name what they expect.
      const key = e.propertyName ?? p.propertyName;
      if (key === undefined) {
        return RequestError.invalid(
          param,
          `Invalid value for '${param}': ${quote(e.data)} is not ${expected}.`,
        );
      }
      return RequestError.invalid(
        param,
        `Invalid value for '${param}': key ${quote(key)} is not a token id (expected a non-negative integer as a string, e.g. "50256").`,
      );
    }
    case 'additionalProperties':
      return RequestError.invalid(
        paramOf(e.instancePath, String(p.additionalProperty)),
        `Unrecognized request argument supplied: ${paramOf(e.instancePath, String(p.additionalProperty))}`,
        L.REQUEST_UNKNOWN_PARAMETER,
      );
    default:
      return RequestError.invalid(
        param || null,
        `Invalid value for '${param || 'body'}': ${e.message ?? 'invalid'}.`,
      );
  }
}
