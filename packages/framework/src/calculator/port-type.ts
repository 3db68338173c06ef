import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { checkTensor, type Tensor } from '../tensor/tensor.js';

/**
 * A runtime-checkable type for a port or side packet. Two ports connect when their type names are
 * equal or either is `any`. `check` runs on every packet in debug mode and on side packets always.
 */
export interface PortType<T = unknown> {
  readonly name: string;
  /** A JSON Schema describing the value, when one exists (shown in docs and the editor schema). */
  readonly schema?: JSONSchema;
  /** Returns an explanation when `value` is not of this type, or undefined when it is. */
  check(value: unknown): string | undefined;
  /** Phantom field carrying the TypeScript type; never set at run time. */
  readonly __type?: T;
}

export type TypeOf<P> = P extends PortType<infer T> ? T : never;

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;

function primitive<T>(name: string, test: (v: unknown) => boolean): PortType<T> {
  return { name, check: (v) => (test(v) ? undefined : `expected ${name}, got ${describe(v)}`) };
}

/** Port type of tensor streams and side packets: `t.tensor()`. Named `Tensor` on edges. */
export const tensorType = (): PortType<Tensor> => ({ name: 'Tensor', check: checkTensor });

/** Port type builders: `t.number()`, `t.json(schema)`, `t.named<Engine>('LlmEngine')`... */
export const t = {
  any: (): PortType<unknown> => ({ name: 'any', check: () => undefined }),
  number: (): PortType<number> => primitive('number', (v) => typeof v === 'number'),
  string: (): PortType<string> => primitive('string', (v) => typeof v === 'string'),
  boolean: (): PortType<boolean> => primitive('boolean', (v) => typeof v === 'boolean'),
  /** A plain JSON value described by a schema; the TypeScript type is derived from the schema. */
  json: <const S extends JSONSchema>(name: string, schema: S): PortType<FromSchema<S>> => ({
    name,
    schema,
    // Structural checks of JSON ports are done by the validator with ajv (see runtime/type-check.ts).
    check: () => undefined,
  }),
  /** A tensor packet (`Tensor`: dtype, dims, flat typed array); see tensor/tensor.ts. */
  tensor: tensorType,
  /** An opaque object (a tensor, an engine handle...) identified by name, with an optional check. */
  named: <T>(name: string, test?: (v: unknown) => boolean): PortType<T> =>
    primitive<T>(name, test ?? (() => true)),
} as const;
