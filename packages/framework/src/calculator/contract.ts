import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { PortRef } from '../graph/port-ref.js';
import type { Packet } from '../packet/packet.js';
import type { Timestamp } from '../timestamp/timestamp.js';
import type { PortType, TypeOf } from './port-type.js';

/** One tagged port of a contract. Untagged ports (`name` in YAML) use the tag `''`. */
export interface PortSpec<T = unknown> {
  readonly type: PortType<T>;
  /** The port may be left unconnected. */
  readonly optional?: boolean;
  /** The tag may be used with several indexes (`TAG:0:a`, `TAG:1:b`). */
  readonly multiple?: boolean;
  readonly description?: string;
}

/**
 * Ports by tag. The key `'*'` (see `ANY_TAG`) declares "any other tag, any index, this type", as
 * MediaPipe's `PassThroughCalculator` accepts whatever tags a node gives it: every tag the map does
 * not name (the untagged port included) is accepted, is optional and may take several indexes.
 */
export type PortMap = Readonly<Record<string, PortSpec<any>>>;

/** The ports of one node, as `validatePorts` receives them (each with its YAML location). */
export interface NodePortLists {
  readonly inputs: readonly PortRef[];
  readonly outputs: readonly PortRef[];
  readonly inputSidePackets: readonly PortRef[];
  readonly outputSidePackets: readonly PortRef[];
}

/** A problem found by a contract's `validatePorts`; `port` (one of the given refs) places it. */
export interface PortRuleProblem {
  readonly message: string;
  readonly port?: PortRef;
}

/** A problem found by a contract's `validateOptions`; `path` (keys below `options`) places it. */
export interface OptionRuleProblem {
  readonly message: string;
  readonly path?: readonly (string | number)[];
}

export type InputStreamHandlerName = 'default' | 'immediate' | 'sync_set';

/** How a node's input streams are grouped into input sets. */
export interface InputStreamHandlerConfig {
  readonly handler: InputStreamHandlerName;
  /** For `sync_set`: groups of input ports (`TAG` or `TAG:index`) synchronised together. */
  readonly sync_sets?: readonly (readonly string[])[];
}

/** Everything a calculator declares up front; validated against every node that uses it. */
export interface CalculatorContract<
  I extends PortMap = PortMap,
  O extends PortMap = PortMap,
  IS extends PortMap = PortMap,
  OS extends PortMap = PortMap,
  S extends JSONSchema = JSONSchema,
> {
  /** Registry name used in YAML `calculator:`, e.g. `PassThroughCalculator`. */
  readonly name: string;
  /** One paragraph; shown by docs and editor hover. Include an "Example config" block. */
  readonly description: string;
  readonly inputs?: I;
  readonly outputs?: O;
  readonly inputSidePackets?: IS;
  readonly outputSidePackets?: OS;
  /** JSON Schema of `options`; defaults are applied and unknown keys rejected. */
  readonly options?: S;
  /** Default input stream handler, overridable per node in YAML. */
  readonly inputStreamHandler?: InputStreamHandlerName;
  /** Output timestamp = input timestamp + offset; lets bounds propagate without packets (MediaPipe SetOffset). */
  readonly timestampOffset?: number;
  /** Call `process` when only bounds advanced (inputs all empty), as MediaPipe's SetProcessTimestampBounds. */
  readonly processTimestampBounds?: boolean;
  /**
   * `run` (default): a fresh instance per graph run. `graph`: the node runs once when the graph is
   * loaded (open only, no streams) and its output side packets are shared by every run; closed on
   * `graph.dispose()`. Heavy resources (ONNX sessions, engines, tokenizers) live in such nodes.
   */
  readonly scope?: 'run' | 'graph';
  /**
   * Rules the port maps cannot express (MediaPipe checks them in `GetContract`), run at validation
   * after the per-tag checks: e.g. PassThrough needs the same `TAG:index` set on inputs and outputs.
   * Each returned problem becomes a `WEFT_ERR_PORT_RULE` at the port's (or the node's) line:col.
   */
  readonly validatePorts?: (ports: NodePortLists) => readonly PortRuleProblem[];
  /**
   * Rules about the options that a JSON Schema cannot express (a name that must be registered, a
   * value that must fit the node's wiring), run at validation once the options match the schema
   * (defaults applied). Each problem becomes a `WEFT_ERR_INVALID_OPTIONS` at the option's line:col.
   * With `validatePorts`, this is where every wiring and option rule lives: `open` never checks them.
   */
  readonly validateOptions?: (options: OptionsOf<S>, ports: NodePortLists) => readonly OptionRuleProblem[];
}

/** Tags a context method accepts: the declared ones, or any string when the map declares `'*'`. */
type TagOf<M extends PortMap> = '*' extends keyof M ? string : keyof M & string;
type Value<M extends PortMap, K extends string> = K extends keyof M
  ? TypeOf<M[K]['type']>
  : '*' extends keyof M
    ? TypeOf<M['*']['type']>
    : never;
export type OptionsOf<S> = S extends JSONSchema
  ? JSONSchema extends S
    ? Record<string, unknown>
    : FromSchema<S>
  : never;

/** An output stream as seen by a calculator. */
export interface OutputStream<T = unknown> {
  /** Adds a packet; timestamp defaults to the current input timestamp (plus the contract's offset). */
  add(value: T, timestamp?: Timestamp): void;
  addPacket(packet: Packet<T>): void;
  /** Promises no packet below `bound` will follow (MediaPipe SetNextTimestampBound). */
  setNextTimestampBound(bound: Timestamp): void;
  /** No more packets on this stream (bound becomes Done). */
  close(): void;
  readonly nextTimestampBound: Timestamp;
  readonly isClosed: boolean;
}

/** What `open`, `process` and `close` receive. */
export interface CalculatorContext<
  I extends PortMap = PortMap,
  O extends PortMap = PortMap,
  IS extends PortMap = PortMap,
  OS extends PortMap = PortMap,
  S extends JSONSchema = JSONSchema,
> {
  readonly nodeName: string;
  readonly calculatorName: string;
  readonly options: OptionsOf<S>;
  /** Timestamp of the current input set (`Timestamp.Unstarted` in open, `Timestamp.Done` in close). */
  readonly inputTimestamp: Timestamp;
  /** The packet on an input port in the current set, or undefined when that input is empty. */
  input<K extends TagOf<I>>(tag: K, index?: number): Packet<Value<I, K>> | undefined;
  /**
   * The input's next timestamp bound as this node has seen it: every timestamp below it is settled
   * and its packet, if any, was already given to `process` (the queue head when packets wait). Lets
   * a calculator see a stream, back edges included, advance without packets (MediaPipe's empty
   * packet with a bound).
   */
  inputBound(tag: TagOf<I>, index?: number): Timestamp;
  /** Number of connected indexes for a tag (0 when an optional tag is unconnected). */
  inputCount(tag: TagOf<I>): number;
  /** The connected input tags (`''` for untagged), in first-use order; for `'*'` contracts. */
  inputTags(): readonly string[];
  output<K extends TagOf<O>>(tag: K, index?: number): OutputStream<Value<O, K>>;
  outputCount(tag: TagOf<O>): number;
  /** The connected output tags, in first-use order. */
  outputTags(): readonly string[];
  sidePacket<K extends TagOf<IS>>(tag: K, index?: number): Value<IS, K>;
  hasSidePacket(tag: TagOf<IS>, index?: number): boolean;
  /** The connected input side packet tags, in first-use order. */
  sidePacketTags(): readonly string[];
  setOutputSidePacket<K extends TagOf<OS>>(tag: K, value: Value<OS, K>, index?: number): void;
  /** Aborted when the run is cancelled or fails; pass it to every long operation. */
  readonly signal: AbortSignal;
  /**
   * Directory of the graph file this node was written in (undefined for graphs built in memory).
   * Resolve relative paths from options (e.g. a `model_dir`) against it.
   */
  readonly graphDir?: string | undefined;
}

/** Returned by a source's `process` to say it has no more packets (MediaPipe tool::StatusStop). */
export const Stop: unique symbol = Symbol('weft.Stop');
// `void` (not undefined) so calculators may declare `process(ctx) {...}` without returning anything.
// biome-ignore lint/suspicious/noConfusingVoidType: see above
export type ProcessResult = void | typeof Stop | Promise<void | typeof Stop>;

/** One calculator instance: created fresh for every graph run. All methods optional. */
export interface Calculator<Ctx extends CalculatorContext<any, any, any, any, any> = CalculatorContext> {
  open?(ctx: Ctx): void | Promise<void>;
  process?(ctx: Ctx): ProcessResult;
  close?(ctx: Ctx): void | Promise<void>;
}

export interface CalculatorDefinition<
  I extends PortMap = PortMap,
  O extends PortMap = PortMap,
  IS extends PortMap = PortMap,
  OS extends PortMap = PortMap,
  S extends JSONSchema = JSONSchema,
> extends CalculatorContract<I, O, IS, OS, S> {
  /** Makes a fresh instance (called once per run, or once per graph for `scope: 'graph'`). */
  create(): Calculator<CalculatorContext<I, O, IS, OS, S>>;
}

/**
 * Declares a calculator. Types of `ctx.input(...)`, `ctx.output(...)`, side packets and options
 * are inferred from the contract.
 */
/** The contract of a calculator without ports of some kind (`{}`: no keys, so no tag type-checks). */
type NoPorts = Readonly<Record<never, PortSpec<any>>>;

export function defineCalculator<
  const I extends PortMap = NoPorts,
  const O extends PortMap = NoPorts,
  const IS extends PortMap = NoPorts,
  const OS extends PortMap = NoPorts,
  const S extends JSONSchema = { type: 'object'; additionalProperties: false },
>(definition: CalculatorDefinition<I, O, IS, OS, S>): CalculatorDefinition<I, O, IS, OS, S> {
  return Object.freeze(definition);
}

/** The context type of a definition, for helpers that take `ctx` as a parameter. */
export type ContextOf<D> =
  D extends CalculatorDefinition<infer I, infer O, infer IS, infer OS, infer S>
    ? CalculatorContext<I, O, IS, OS, S>
    : never;

export type AnyCalculatorDefinition = CalculatorDefinition<any, any, any, any, any>;
