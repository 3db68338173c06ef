import type { Response } from 'express';
import { awaitWritable } from './write-deadline.js';

/**
 * Writes Server-Sent Events the way OpenAI does: `data: <json>\n\n` (with an `event:` line for APIs
 * that name their events), ending with `data: [DONE]` unless the API has its own last event.
 */
export class SseWriter {
  #open = false;

  /** `writeTimeoutMs`: how long one write may wait for the client to read (then WriteTimeoutError). */
  constructor(
    private readonly res: Response,
    private readonly writeTimeoutMs: number,
  ) {}

  get isOpen(): boolean {
    return this.#open;
  }

  open(): void {
    if (this.#open) return;
    this.#open = true;
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache');
    this.res.setHeader('Connection', 'keep-alive');
    // Proxies such as nginx buffer responses unless told not to, which would stall token streaming.
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
  }

  /**
   * Resolves once the socket accepted the bytes (or closed), so a slow client slows its own run
   * only; rejects with WriteTimeoutError when the client reads nothing for the write timeout.
   */
  async data(value: unknown, event?: string): Promise<void> {
    await this.#write(`${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(value)}\n\n`);
  }

  /** A comment (keep-alive) is dropped while the client has not read the previous bytes: it would only pile up. */
  async comment(text: string): Promise<void> {
    if (this.res.writableNeedDrain) return;
    await this.#write(`: ${text}\n\n`);
  }

  async end(doneMarker: boolean): Promise<void> {
    if (doneMarker) await this.#write('data: [DONE]\n\n');
    this.res.end();
  }

  async #write(chunk: string): Promise<void> {
    // A response already sent as JSON must not get SSE bytes appended.
    if (!this.#open && this.res.headersSent) return;
    this.open();
    if (this.res.destroyed || this.res.writableEnded) return;
    if (this.res.write(chunk)) return;
    await awaitWritable(this.res, 'drain', this.writeTimeoutMs);
  }
}
