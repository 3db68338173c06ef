/** Bounds on a client's JSON schema, so compiling it stays cheap (see docs/structured-outputs.md). */
export interface SchemaLimits {
  /** Serialized size in bytes (default 32768). */
  readonly maxBytes: number;
  /** Nesting depth of subschemas (default 32). */
  readonly maxDepth: number;
  /** Largest `minItems` / `maxItems` / `minLength` / `maxLength` accepted (default 4096). */
  readonly maxRepeat: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = { maxBytes: 32768, maxDepth: 32, maxRepeat: 4096 };

/** A schema the grammar engine cannot honour; `at` is a JSON pointer into the schema. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly at: string,
    readonly keyword: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

// Keywords that only describe: accepted and ignored, as OpenAI and XGrammar do.
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'strict',
  'nullable',
]);
// Keywords the grammar enforces.
const ENFORCED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  '$ref',
  '$defs',
  'definitions',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
]);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
// The string formats of OpenAI's structured outputs, all enforced by XGrammar.
const FORMATS = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);
const REPEATS = ['minItems', 'maxItems', 'minLength', 'maxLength'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const pointer = (path: readonly (string | number)[]) =>
  `#${path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`;

/**
 * Checks a JSON schema before it reaches XGrammar, which accepts unknown keywords silently (a
 * constraint the client asked for would be ignored) and aborts on a malformed one. Every keyword
 * is either enforced or a pure annotation; anything else is refused by name. Accepts what the
 * clients send: draft-07 (`definitions`, AI SDK) and 2020-12 (`$defs`, `title` everywhere, LangChain).
 */
export function checkJsonSchema(schema: unknown, limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS): void {
  const bytes = Buffer.byteLength(JSON.stringify(schema) ?? '');
  if (bytes > limits.maxBytes) {
    throw new SchemaError(
      '#',
      undefined,
      `the schema is ${bytes} bytes; at most ${limits.maxBytes} are accepted`,
    );
  }
  if (!isObject(schema)) throw new SchemaError('#', undefined, 'the schema must be a JSON object');
  walk(schema, [], 0, schema, limits);
}

function walk(
  node: unknown,
  path: (string | number)[],
  depth: number,
  root: Record<string, unknown>,
  limits: SchemaLimits,
): void {
  const at = pointer(path);
  if (typeof node === 'boolean') return;
  if (!isObject(node)) throw new SchemaError(at, undefined, `${at} must be a schema object or a boolean`);
  if (depth > limits.maxDepth) {
    throw new SchemaError(at, undefined, `the schema nests deeper than ${limits.maxDepth} levels at ${at}`);
  }
  for (const key of Object.keys(node)) {
    if (ANNOTATIONS.has(key) || ENFORCED.has(key)) continue;
    throw new SchemaError(
      at,
      key,
      `unsupported keyword '${key}' at ${at}; structured output enforces: ${[...ENFORCED].join(', ')}`,
    );
  }
  const bad = (keyword: string, why: string): never => {
    throw new SchemaError(at, keyword, `invalid '${keyword}' at ${at}: ${why}`);
  };
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  for (const t of types)
    if (typeof t !== 'string' || !TYPES.has(t))
      bad('type', `${JSON.stringify(t)} is not a JSON schema type (${[...TYPES].join(', ')})`);
  for (const k of REPEATS) {
    const v = node[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || (v as number) < 0)
      bad(k, `${JSON.stringify(v)} is not a non-negative integer`);
    if ((v as number) > limits.maxRepeat) bad(k, `${v} is larger than the limit ${limits.maxRepeat}`);
  }
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
    if (node[k] !== undefined && typeof node[k] !== 'number')
      bad(k, `${JSON.stringify(node[k])} is not a number`);
  }
  if (node.format !== undefined && (typeof node.format !== 'string' || !FORMATS.has(node.format))) {
    bad('format', `${JSON.stringify(node.format)} is not supported (supported: ${[...FORMATS].join(', ')})`);
  }
  if (node.pattern !== undefined) checkPattern(node.pattern, bad);
  if (node.enum !== undefined && (!Array.isArray(node.enum) || node.enum.length === 0))
    bad('enum', 'must be a non-empty array');
  if (
    node.required !== undefined &&
    (!Array.isArray(node.required) || node.required.some((r) => typeof r !== 'string'))
  ) {
    bad('required', 'must be an array of property names');
  }
  if (node.$ref !== undefined) checkRef(node.$ref, root, bad);
  const sub = (value: unknown, ...more: (string | number)[]) =>
    walk(value, [...path, ...more], depth + 1, root, limits);
  for (const k of ['properties', '$defs', 'definitions']) {
    if (node[k] === undefined) continue;
    if (!isObject(node[k])) bad(k, 'must be an object of schemas');
    for (const [name, value] of Object.entries(node[k] as object)) sub(value, k, name);
  }
  for (const k of ['anyOf', 'oneOf', 'prefixItems']) {
    if (node[k] === undefined) continue;
    if (!Array.isArray(node[k]) || (node[k] as unknown[]).length === 0)
      bad(k, 'must be a non-empty array of schemas');
    for (const [i, value] of (node[k] as unknown[]).entries()) sub(value, k, i);
  }
  for (const k of ['items', 'additionalProperties']) if (node[k] !== undefined) sub(node[k], k);
}

function checkPattern(pattern: unknown, bad: (k: string, why: string) => never): void {
  if (typeof pattern !== 'string') bad('pattern', 'must be a string');
  try {
    new RegExp(pattern as string, 'u');
  } catch (error) {
    bad(
      'pattern',
      `${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message})`,
    );
  }
  // The grammar's regular expressions have no lookaround and no backreferences.
  if (/\(\?[=!<]|\\[1-9]|\\k</.test(pattern as string)) {
    bad('pattern', `${JSON.stringify(pattern)} uses lookaround or a backreference, which cannot be enforced`);
  }
}

function checkRef(ref: unknown, root: Record<string, unknown>, bad: (k: string, why: string) => never): void {
  if (typeof ref !== 'string' || !ref.startsWith('#'))
    bad('$ref', `${JSON.stringify(ref)}: only local references ("#/$defs/name") are supported`);
  let target: unknown = root;
  for (const raw of (ref as string).slice(1).split('/').slice(1)) {
    const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    target = isObject(target) ? target[part] : undefined;
  }
  if (target === undefined) bad('$ref', `${JSON.stringify(ref)} points to nothing in the schema`);
}
