import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ConstraintSpec } from '../grammar/constraint-spec.js';
import {
  checkJsonSchema,
  DEFAULT_SCHEMA_LIMITS,
  SchemaError,
  type SchemaLimits,
} from '../grammar/schema-check.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { FORMAT_TEXT } from '../tools/tool-formats.js';
import { toolConstraint } from '../tools/tool-grammar.js';
import type { ToolCallFormat, ToolChoice, ToolDef, ToolSetup } from '../tools/tool-types.js';
import type { RequestOptions } from './request-params.js';
import type { ChatBody, CompletionsBody, ResponseFormat } from './request-types.js';

/** The output constraint and tools of a request (see docs/structured-outputs.md). */
export interface StructuredOptions {
  readonly constraint: ConstraintSpec | undefined;
  readonly tools: ToolSetup | undefined;
}

/** A function tool as a request declares it, whatever the API's shape. */
export interface DeclaredTool {
  readonly name: string;
  readonly description?: string | null;
  readonly parameters?: Readonly<Record<string, unknown>> | null;
  /** Where the tool's fields are in the body, for errors: `tools[0].function` (chat), `tools[0]` (Responses). */
  readonly at: string;
}

/** What a request asks of its output's structure, in the same terms for every API. */
export interface StructuredRequest {
  /** The text constraint (`jsonSchemaConstraint`), undefined for free text. */
  readonly text: ConstraintSpec | undefined;
  readonly tools: readonly DeclaredTool[];
  /** Undefined when the request does not say. */
  readonly choice: ToolChoice | undefined;
  readonly parallel: boolean;
}

const NO_PARAMETERS = { type: 'object', properties: {} } as const;

function checked(schema: unknown, param: string, what: string, limits: SchemaLimits): void {
  try {
    checkJsonSchema(schema, limits);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    throw RequestError.invalid(
      param,
      `Invalid schema for ${what}: ${error.message}.`,
      L.REQUEST_INVALID_SCHEMA,
    );
  }
}

/**
 * A JSON schema the output must follow → constraint, the schema checked here so a bad one is a 400
 * before any work (`param` names the schema, `what` the format in the message). No schema: any object.
 */
export function jsonSchemaConstraint(
  schema: Readonly<Record<string, unknown>> | undefined,
  param: string,
  what: string,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): ConstraintSpec {
  if (schema === undefined) return { kind: 'json_object' };
  checked(schema, param, what, limits);
  return { kind: 'json_schema', schema };
}

/** `response_format` (chat, completions) → constraint. */
export function responseFormatConstraint(
  format: ResponseFormat | null | undefined,
  param: string,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): ConstraintSpec | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { kind: 'json_object' };
  if (!format.json_schema) {
    throw RequestError.invalid(
      `${param}.json_schema`,
      `Missing required parameter: '${param}.json_schema' (required when type is "json_schema").`,
      L.REQUEST_MISSING_PARAMETER,
    );
  }
  const { schema, name } = format.json_schema;
  return jsonSchemaConstraint(schema, `${param}.json_schema.schema`, `${param} '${name}'`, limits);
}

/**
 * Tools and the constraint of a request, for any API once its body is in these neutral terms.
 * `format` is the model's tool-call format (from its chat template or the graph's `tool_parser`
 * option); undefined when it has none.
 */
export function structuredOptions(
  request: StructuredRequest,
  format: ToolCallFormat | undefined,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): StructuredOptions {
  const { text, choice } = request;
  if (request.tools.length === 0) {
    if (choice !== undefined) {
      throw RequestError.invalid(
        'tool_choice',
        `Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.`,
      );
    }
    return { constraint: text, tools: undefined };
  }
  if (!format) {
    throw RequestError.invalid(
      'tools',
      `Invalid value for 'tools': this model's chat template shows no tool-call format (hermes <tool_call>, Llama 3 JSON, Mistral [TOOL_CALLS]); set the graph option tool_parser to serve tools with it.`,
    );
  }
  const seen = new Map<string, string>();
  const tools: ToolDef[] = request.tools.map((t) => {
    const first = seen.get(t.name);
    if (first !== undefined) {
      throw RequestError.invalid(
        `${t.at}.name`,
        `Invalid value for '${t.at}.name': ${JSON.stringify(t.name)} is already the name of ${first}; tool names must be unique.`,
      );
    }
    seen.set(t.name, t.at.replace(/\.function$/, ''));
    const parameters = t.parameters ?? NO_PARAMETERS;
    checked(parameters, `${t.at}.parameters`, `function '${t.name}'`, limits);
    return {
      name: t.name,
      parameters,
      ...(typeof t.description === 'string' && { description: t.description }),
    };
  });
  if (typeof choice === 'object' && !seen.has(choice.name)) {
    throw RequestError.invalid(
      'tool_choice',
      `Invalid value for 'tool_choice': no tool named ${JSON.stringify(choice.name)} in 'tools' (declared: ${[...seen.keys()].map((n) => JSON.stringify(n)).join(', ')}).`,
    );
  }
  const setup: ToolSetup = { tools, choice: choice ?? 'auto', parallel: request.parallel, format };
  return { constraint: toolConstraint(setup, text), tools: setup };
}

/** Tools and the constraint for /chat/completions. */
export function chatStructuredOptions(
  body: ChatBody,
  format: ToolCallFormat | undefined,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): StructuredOptions {
  const c = body.tool_choice;
  return structuredOptions(
    {
      text: responseFormatConstraint(body.response_format, 'response_format', limits),
      tools: (body.tools ?? []).map((t, i) => ({ ...t.function, at: `tools[${i}].function` })),
      choice: typeof c === 'object' && c !== null ? { name: c.function.name } : (c ?? undefined),
      parallel: body.parallel_tool_calls ?? true,
    },
    format,
    limits,
  );
}

/**
 * The request's options with its structured options on them. A format whose marker is a special
 * token (Mistral's [TOOL_CALLS]) needs it in the text, as vLLM does: special tokens are kept then.
 */
export function withStructuredOptions(
  options: RequestOptions,
  { constraint, tools }: StructuredOptions,
  tokenizer: Tokenizer,
): RequestOptions {
  let out = options;
  if (constraint) out = { ...out, constraint };
  if (tools) {
    const special = new Set(tokenizer.addedTokens.filter((t) => t.special).map((t) => t.content));
    const keep = FORMAT_TEXT[tools.format].markers.some((m) => special.has(m));
    out = { ...out, tools, params: { ...out.params, ...(keep && { skipSpecialTokens: false }) } };
  }
  return out;
}

/** Sampling options that cannot hold under a grammar: refused by name rather than broken. */
export function checkConstraintConflicts(body: CompletionsBody | ChatBody, constrained: boolean): void {
  if (!constrained) return;
  const conflicts: [keyof ChatBody, boolean][] = [
    ['use_beam_search', body.use_beam_search === true],
    ['ignore_eos', body.ignore_eos === true],
    ['min_tokens', (body.min_tokens ?? 0) > 0],
  ];
  for (const [key, bad] of conflicts) {
    if (bad) {
      throw RequestError.invalid(
        key,
        `Invalid value for '${key}': cannot be combined with response_format or tools (the grammar decides when the output ends); drop one of them.`,
      );
    }
  }
}
