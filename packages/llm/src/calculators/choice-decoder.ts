import type { StreamDecoder } from '../tokenizer/stream-decoder.js';
import { StopStringBuffer } from './stop-strings.js';

/**
 * The visible text of one candidate sequence: token bytes are decoded only up to whole UTF-8
 * characters, then pass the stop-string buffer. `push` for every generated token except a final
 * EOS; `end` once the sequence is over for any reason but a stop string.
 */
export class ChoiceDecoder {
  readonly #decoder: StreamDecoder;
  readonly #stops: StopStringBuffer;

  constructor(decoder: StreamDecoder, stops: readonly string[], includeStopStr: boolean) {
    this.#decoder = decoder;
    this.#stops = new StopStringBuffer(stops, includeStopStr);
  }

  /** True once a stop string matched: the sequence is over and nothing more will show. */
  get stopped(): boolean {
    return this.#stops.stopped;
  }

  push(token: number): string {
    return this.#stops.push(this.#decoder.push(token));
  }

  end(): string {
    const tail = this.#stops.push(this.#decoder.flush());
    return tail + this.#stops.flush();
  }
}
