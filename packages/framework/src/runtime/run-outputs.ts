import { suggest } from '../errors/did-you-mean.js';
import { R } from '../errors/runtime-codes.js';
import type { StartOptions } from '../graph/graph-api.js';
import type { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import type { GraphPlan } from './graph-plan.js';
import { OutputBuffer } from './output-buffer.js';
import { RunError } from './run-errors.js';

/** The graph output streams of one run: a buffer per stream plus the optional `onOutput` callback. */
export class RunOutputs {
  readonly #buffers: OutputBuffer[];
  readonly #bounds: number[];

  /**
   * `limit` bounds the unread packets of each stream (`StartOptions.maxBufferedOutput`);
   * `onFull(full)` hears when a stream reaches it and when its reader catches up.
   */
  constructor(
    readonly plan: GraphPlan,
    readonly onOutput: StartOptions['onOutput'],
    readonly onOutputBound: StartOptions['onOutputBound'],
    limit?: number,
    onFull?: (full: boolean) => void,
  ) {
    this.#buffers = plan.outputs.map(() => new OutputBuffer(limit, onFull));
    this.#bounds = plan.outputs.map(() => Timestamp.Unstarted);
  }

  push(index: number, name: string, packet: Packet, bound: Timestamp): void {
    this.#bounds[index] = bound;
    this.#buffers[index]!.push(packet);
    if (this.onOutput !== undefined) this.onOutput(name, packet);
  }

  /** A bound without a packet; `Done` ends the stream. */
  raise(index: number, bound: Timestamp): void {
    if (bound <= this.#bounds[index]!) return;
    this.#bounds[index] = bound;
    if (this.onOutputBound !== undefined) this.onOutputBound(this.plan.outputs[index]!, bound);
    if (bound === Timestamp.Done) this.#buffers[index]!.end();
  }

  bound(stream: string): Timestamp {
    return this.#bounds[this.#index(stream, 'outputBound')]!;
  }

  /** Ends every stream; iterators throw `error` (when given) once they have read what was produced. */
  endAll(error?: unknown): void {
    for (const buffer of this.#buffers) buffer.end(error);
  }

  #index(stream: string, what: string): number {
    const index = this.plan.outputIds.get(stream);
    if (index === undefined) {
      throw new RunError(
        R.UNKNOWN_STREAM,
        `${what}: "${stream}" is not an output stream of graph "${this.plan.name}"${suggest(stream, this.plan.outputs)}`,
      );
    }
    return index;
  }

  iterate<T>(stream: string): AsyncIterable<Packet<T>> {
    return this.#buffers[this.#index(stream, 'output')]!.iterate<T>();
  }

  packets(stream: string): readonly Packet[] {
    const index = this.plan.outputIds.get(stream);
    return index === undefined ? [] : this.#buffers[index]!.packets;
  }
}
