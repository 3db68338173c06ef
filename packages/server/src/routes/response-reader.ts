import { suggest } from '@weft/framework';
import type { ResponsePacket } from '@weft/llm';
import { serverErrors } from '../errors/server-error.js';

const KINDS = ['head', 'chunk', 'usage', 'error', 'end'];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Checks each RESPONSE packet of one run against the graph protocol (llm `serving/graph-protocol.ts`),
 * once, where it enters the server: its fields, and its place in `error | head chunk* usage? (end |
 * error)`. A packet that breaks it is a `WEFT_ERR_SERVER_NO_RESPONSE` naming the graph and the rule.
 */
export class ResponseReader {
  #head: { stream: boolean; doneMarker: boolean } | undefined;
  #chunks = 0;
  #usage = false;
  #finished = false;

  constructor(private readonly graph: string) {}

  /** The head read so far (undefined before it). */
  get head(): { readonly stream: boolean; readonly doneMarker: boolean } | undefined {
    return this.#head;
  }

  read(value: unknown): ResponsePacket {
    const packet = this.#shape(value);
    if (this.#finished) this.#fail(`a "${packet.kind}" packet after the answer ended`);
    switch (packet.kind) {
      case 'head':
        if (this.#head) this.#fail('a second "head" packet');
        this.#head = { stream: packet.stream, doneMarker: packet.doneMarker !== false };
        break;
      case 'chunk':
        if (!this.#head) this.#fail('a "chunk" before the "head" packet');
        if (!this.#head!.stream && this.#chunks > 0)
          this.#fail('a second "chunk" in an answer with stream: false');
        this.#chunks++;
        break;
      case 'usage':
        if (!this.#head) this.#fail('a "usage" packet before the "head" packet');
        if (this.#usage) this.#fail('a second "usage" packet');
        this.#usage = true;
        break;
      case 'end':
        if (!this.#head) this.#fail('an "end" packet before the "head" packet');
        if (!this.#head!.stream && this.#chunks === 0)
          this.#fail('"end" without the body chunk (stream: false)');
        this.#finished = true;
        break;
      case 'error':
        this.#finished = true;
        break;
    }
    return packet;
  }

  /** Called when RESPONSE closed: the answer must have ended with `end` or `error`. */
  finish(): void {
    if (this.#finished) return;
    if (!this.#head)
      throw serverErrors.noResponse(`graph "${this.graph}" finished without a RESPONSE packet`);
    this.#fail('RESPONSE closed without an "end" or "error" packet');
  }

  #shape(v: unknown): ResponsePacket {
    if (!isObject(v) || typeof v.kind !== 'string') {
      return this.#fail(`a packet without a string "kind": ${JSON.stringify(v)?.slice(0, 200)}`);
    }
    const bad = (field: string, rule: string) => this.#fail(`"${v.kind}" packet: ${field} must be ${rule}`);
    switch (v.kind) {
      case 'head':
        if (typeof v.stream !== 'boolean') bad('stream', 'a boolean');
        if (v.doneMarker !== undefined && typeof v.doneMarker !== 'boolean') bad('doneMarker', 'a boolean');
        break;
      case 'chunk':
        if (v.data === undefined) bad('data', 'the JSON to send');
        if (v.event !== undefined && (typeof v.event !== 'string' || /[\r\n]/.test(v.event)))
          bad('event', 'a one-line string');
        if (v.tokens !== undefined && !isCount(v.tokens)) bad('tokens', 'a non-negative integer');
        break;
      case 'usage':
        if (!isCount(v.promptTokens)) bad('promptTokens', 'a non-negative integer');
        if (!isCount(v.completionTokens)) bad('completionTokens', 'a non-negative integer');
        break;
      case 'error':
        if (typeof v.code !== 'string' || !v.code.startsWith('WEFT_ERR_')) bad('code', 'a WEFT_ERR_... code');
        if (typeof v.message !== 'string') bad('message', 'a string');
        if (v.param !== null && typeof v.param !== 'string') bad('param', 'a string or null');
        break;
      case 'end':
        break;
      default:
        this.#fail(`unknown packet kind "${v.kind}"${suggest(v.kind, KINDS)}`);
    }
    return v as unknown as ResponsePacket;
  }

  #fail(rule: string): never {
    throw serverErrors.noResponse(`graph "${this.graph}" broke the graph protocol: ${rule}`);
  }
}
