import type { Response } from 'express';

/**
 * Writes Server-Sent Events the way OpenAI does: `data: <json>\n\n` (with an `event:` line for APIs
 * that name their events), ending with `data: [DONE]` unless the API has its own last event.
 */
export class SseWriter {
  #open = false;

  constructor(private readonly res: Response) {}

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

  /** Resolves once the socket accepted the bytes (or closed), so a slow client slows its own run only. */
  async data(value: unknown, event?: string): Promise<void> {
    await this.#write(`${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(value)}\n\n`);
  }

  async comment(text: string): Promise<void> {
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
    await new Promise<void>((resolve) => {
      const finish = () => {
        this.res.off('drain', finish);
        this.res.off('close', finish);
        resolve();
      };
      this.res.on('drain', finish);
      this.res.on('close', finish);
    });
  }
}
