import { suggest } from '../errors/did-you-mean.js';
import { R } from '../errors/runtime-codes.js';
import type { StartOptions } from '../graph/graph-api.js';
import type { Packet } from '../packet/packet.js';
import type { GraphPlan } from './graph-plan.js';
import { OutputBuffer } from './output-buffer.js';
import { RunError } from './run-errors.js';

/** The graph output streams of one run: a buffer per stream plus the optional `onOutput` callback. */
export class RunOutputs {
  readonly #buffers: OutputBuffer[];

  constructor(
    readonly plan: GraphPlan,
    readonly onOutput: StartOptions['onOutput'],
  ) {
    this.#buffers = plan.outputs.map(() => new OutputBuffer());
  }

  push(index: number, name: string, packet: Packet): void {
    this.#buffers[index]!.push(packet);
    if (this.onOutput !== undefined) this.onOutput(name, packet);
  }

  end(index: number): void {
    this.#buffers[index]!.end();
  }

  /** Ends every stream; iterators throw `error` (when given) once they have read what was produced. */
  endAll(error?: unknown): void {
    for (const buffer of this.#buffers) buffer.end(error);
  }

  iterate<T>(stream: string): AsyncIterable<Packet<T>> {
    const index = this.plan.outputIds.get(stream);
    if (index === undefined) {
      throw new RunError(
        R.UNKNOWN_STREAM,
        `output: "${stream}" is not an output stream of graph "${this.plan.name}"${suggest(stream, this.plan.outputs)}`,
      );
    }
    return this.#buffers[index]!.iterate<T>();
  }

  packets(stream: string): readonly Packet[] {
    const index = this.plan.outputIds.get(stream);
    return index === undefined ? [] : this.#buffers[index]!.packets;
  }
}
