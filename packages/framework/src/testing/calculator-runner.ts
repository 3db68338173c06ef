import YAML from 'yaml';
import { type CalculatorRegistry, defaultRegistry } from '../calculator/registry.js';
import { validateGraphString } from '../config/validate-graph.js';
import type { GraphRun, NodeStats } from '../graph/graph-api.js';
import { GraphValidationError } from '../graph/validated-graph.js';
import type { Packet } from '../packet/packet.js';
import { Graph } from '../runtime/graph.js';
import { GraphCancelledError } from '../runtime/run-errors.js';
import type { Timestamp } from '../timestamp/timestamp.js';
import { type RunnerNodeConfig, type RunnerPort, resolveRunnerPort, runnerPorts } from './runner-ports.js';

export type { RunnerNodeConfig } from './runner-ports.js';

export interface CalculatorRunnerOptions {
  /** Where the calculator is looked up; defaults to `defaultRegistry`. */
  readonly registry?: CalculatorRegistry;
  /** Graph-wide `max_queue_size` of the one-node graph. */
  readonly maxQueueSize?: number;
}

export interface RunnerRunOptions {
  readonly signal?: AbortSignal;
  /** Check every packet against its port type (default true: tests should catch contract drift). */
  readonly checkTypes?: boolean;
  /** Record Chrome trace events (read them with `runner.traceEvents()`). */
  readonly trace?: boolean;
}

type Feed =
  | {
      readonly kind: 'packet';
      readonly stream: string;
      readonly value: unknown;
      readonly timestamp: Timestamp;
    }
  | { readonly kind: 'bound'; readonly stream: string; readonly timestamp: Timestamp }
  | { readonly kind: 'close'; readonly stream: string };

/**
 * Runs one calculator in isolation (MediaPipe's CalculatorRunner): the node's input streams become
 * graph inputs, its outputs graph outputs, its side packets graph side packets. Ports are addressed
 * as `TAG`, `TAG:index` or by the stream name used in the snippet. Packets are fed in the order they
 * were added, then every input is closed and the run awaited. Validation problems are thrown as
 * `GraphValidationError` (lines refer to the snippet); a failing run rejects `run()` with its error.
 *
 * Example:
 * ```ts
 * const runner = new CalculatorRunner(`
 *   calculator: GateCalculator
 *   input_stream: [frames, ALLOW:allow]
 *   output_stream: [gated]
 * `, { registry });
 * runner.addPacket('frames', 'a', 0).addPacket('ALLOW', true, 0);
 * runner.addPacket('frames', 'b', 1).addPacket('ALLOW', false, 1);
 * await runner.run();
 * expect(runner.outputValues('gated')).toEqual(['a']);
 * ```
 */
export class CalculatorRunner {
  readonly #text: string;
  readonly #headerLines: number;
  readonly #ports: ReturnType<typeof runnerPorts>;
  readonly #registry: CalculatorRegistry;
  readonly #feeds: Feed[] = [];
  readonly #sidePackets: Record<string, unknown> = {};
  /** Bound-only advances of each output stream in the last run, in order. */
  #bounds = new Map<string, Timestamp[]>();
  #graph: Graph | undefined;
  #run: GraphRun | undefined;

  constructor(node: string | RunnerNodeConfig, options: CalculatorRunnerOptions = {}) {
    const snippet = typeof node === 'string' ? dedent(node) : YAML.stringify(node);
    let parsed: unknown = YAML.parse(snippet);
    let body = snippet;
    if (Array.isArray(parsed)) {
      // `- calculator: X` (copied from a graph's nodes list): drop the dash, keep the columns.
      parsed = parsed[0];
      body = snippet.replace(/^(\s*)- /m, '$1  ');
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw new TypeError(
        `CalculatorRunner: expected a node (calculator: ..., input_stream: ...), got ${snippet}`,
      );
    }
    this.#ports = runnerPorts(parsed as RunnerNodeConfig);
    this.#registry = options.registry ?? defaultRegistry;
    const io: Record<string, unknown> = { name: `runner_${String((parsed as RunnerNodeConfig).calculator)}` };
    const names = (list: readonly RunnerPort[]) => [...new Set(list.map((p) => p.name))];
    if (this.#ports.inputs.length > 0) io.input_stream = names(this.#ports.inputs);
    if (this.#ports.outputs.length > 0) io.output_stream = names(this.#ports.outputs);
    if (this.#ports.inputSide.length > 0) io.input_side_packet = names(this.#ports.inputSide);
    if (this.#ports.outputSide.length > 0) io.output_side_packet = names(this.#ports.outputSide);
    if (options.maxQueueSize !== undefined) io.max_queue_size = options.maxQueueSize;
    const header = `${YAML.stringify(io)}nodes:\n`;
    this.#headerLines = header.split('\n').length - 1;
    this.#text = header + body.replace(/^/gm, '    ').replace(/^ {4}/, '  - ');
  }

  /** Queues a packet for an input port (`TAG`, `TAG:index` or stream name). Chainable. */
  addPacket(port: string, value: unknown, timestamp: Timestamp): this {
    const p = resolveRunnerPort(this.#ports.inputs, port, 'input stream');
    this.#feeds.push({ kind: 'packet', stream: p.name, value, timestamp });
    return this;
  }

  /** Queues one packet per value at timestamps `first`, `first + 1`, ... Chainable. */
  addPackets(port: string, values: readonly unknown[], first: Timestamp = 0): this {
    for (let i = 0; i < values.length; i++) this.addPacket(port, values[i], first + i);
    return this;
  }

  /** Queues a timestamp bound (no packet below `bound` will follow) on an input port. */
  setInputBound(port: string, bound: Timestamp): this {
    const p = resolveRunnerPort(this.#ports.inputs, port, 'input stream');
    this.#feeds.push({ kind: 'bound', stream: p.name, timestamp: bound });
    return this;
  }

  /** Queues closing an input port: nothing more arrives on it (the others stay open until `run`'s end). */
  closeInput(port: string): this {
    const p = resolveRunnerPort(this.#ports.inputs, port, 'input stream');
    this.#feeds.push({ kind: 'close', stream: p.name });
    return this;
  }

  /** Sets an input side packet (`TAG`, `TAG:index` or side packet name). Chainable. */
  setSidePacket(port: string, value: unknown): this {
    this.#sidePackets[resolveRunnerPort(this.#ports.inputSide, port, 'input side packet').name] = value;
    return this;
  }

  /** Validates the node (once), runs it over everything queued, and waits until it has closed. */
  async run(options: RunnerRunOptions = {}): Promise<void> {
    const graph = await this.#compile();
    const bounds = new Map<string, Timestamp[]>();
    this.#bounds = bounds;
    const run = graph.start({
      onOutputBound: (stream, bound) => {
        const list = bounds.get(stream);
        if (list === undefined) bounds.set(stream, [bound]);
        else list.push(bound);
      },
      sidePackets: this.#sidePackets,
      signal: options.signal,
      trace: options.trace,
      timing: true,
      checkTypes: options.checkTypes ?? true,
    });
    this.#run = run;
    const done = run.done();
    try {
      for (const feed of this.#feeds) {
        if (feed.kind === 'packet') await run.addPacket(feed.stream, feed.value, feed.timestamp);
        else if (feed.kind === 'bound') run.setInputBound(feed.stream, feed.timestamp);
        else run.closeInput(feed.stream);
      }
      run.closeAllInputs();
    } catch (error) {
      // Cancelling a run that already ended does nothing: then its own failure (node and cause)
      // is what `done` reports; a run we cancelled here fails because of the feed.
      run.cancel(error);
      await done.catch((failure: unknown) => {
        throw failure instanceof GraphCancelledError && failure.reason === error ? error : failure;
      });
      return;
    }
    await done;
  }

  async #compile(): Promise<Graph> {
    if (this.#graph !== undefined) return this.#graph;
    const file = 'calculator-runner.yaml';
    const result = await validateGraphString(this.#text, {
      file,
      baseDir: process.cwd(),
      registry: this.#registry,
    });
    if (result.graph === undefined) {
      const shift = this.#headerLines;
      throw new GraphValidationError(
        result.problems.map((p) =>
          p.location.file === file && p.location.line > shift
            ? {
                ...p,
                location: {
                  file: 'node',
                  line: p.location.line - shift,
                  col: Math.max(1, p.location.col - 4),
                },
              }
            : p,
        ),
      );
    }
    this.#graph = await Graph.create(result.graph);
    return this.#graph;
  }

  #lastRun(): GraphRun {
    if (this.#run === undefined)
      throw new Error('CalculatorRunner: call `await runner.run()` before reading outputs');
    return this.#run;
  }

  /** Packets of an output port (`TAG`, `TAG:index` or stream name) from the last run, in order. */
  outputs<T = unknown>(port: string): readonly Packet<T>[] {
    const p = resolveRunnerPort(this.#ports.outputs, port, 'output stream');
    return this.#lastRun().outputPackets(p.name) as readonly Packet<T>[];
  }

  /** Values of an output port's packets from the last run. */
  outputValues<T = unknown>(port: string): T[] {
    return this.outputs<T>(port).map((p) => p.value);
  }

  /** Timestamps of an output port's packets from the last run. */
  outputTimestamps(port: string): Timestamp[] {
    return this.outputs(port).map((p) => p.timestamp);
  }

  /**
   * The bounds an output port advanced to without a packet in the last run, in order
   * (`Timestamp.Done` last when it closed): what MediaPipe shows as empty packets to an observer of
   * timestamp bounds, each at `Timestamp.previousAllowedInStream(bound)`.
   */
  outputBounds(port: string): Timestamp[] {
    const p = resolveRunnerPort(this.#ports.outputs, port, 'output stream');
    this.#lastRun();
    return [...(this.#bounds.get(p.name) ?? [])];
  }

  /** An output side packet of the last run (graph-scoped calculators: set when the graph opened). */
  outputSidePacket<T = unknown>(port: string): T | undefined {
    const name = resolveRunnerPort(this.#ports.outputSide, port, 'output side packet').name;
    // A run starts with the graph-scoped side packets; the graph holds them too.
    return (this.#lastRun().outputSidePacket(name) ?? this.#graph?.sharedSidePacket(name)) as T;
  }

  /** Process calls, packets out and timings of the last run. */
  stats(): NodeStats {
    return (
      this.#lastRun().stats()[0] ?? {
        node: '',
        calculator: '',
        processCalls: 0,
        packetsOut: 0,
        totalMs: 0,
        maxMs: 0,
      }
    );
  }

  traceEvents(): readonly object[] {
    return this.#lastRun().traceEvents();
  }

  /** Closes a graph-scoped calculator (`scope: 'graph'`) opened by `run()`; a no-op otherwise. */
  async dispose(): Promise<void> {
    await this.#graph?.dispose();
    this.#graph = undefined;
  }
}

/** Removes the common indentation of a template literal so YAML sees column 0. */
function dedent(text: string): string {
  const lines = text
    .replace(/^\s*\n/, '')
    .replace(/\s+$/, '')
    .split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return `${lines.map((l) => l.slice(indent)).join('\n')}\n`;
}
