import type { Response } from 'express';
import { S } from '../errors/server-error-codes.js';

/** A client did not take the response's bytes within the write timeout. */
export class WriteTimeoutError extends Error {
  override readonly name = 'WriteTimeoutError';
  readonly code = S.SERVER_WRITE_TIMEOUT;
  constructor(readonly timeoutMs: number) {
    super(
      `the client read nothing for ${timeoutMs} ms while the response waited to be written (write_timeout_ms); the request was cancelled and its connection closed`,
    );
  }
}

/**
 * Resolves once `res` emits `event` ('drain': it takes more bytes; 'finish': everything was handed
 * to the OS) or closes; rejects with WriteTimeoutError when that takes longer than `timeoutMs`,
 * so a client that stops reading cannot hold a request (and its memory) forever.
 */
export function awaitWritable(res: Response, event: 'drain' | 'finish', timeoutMs: number): Promise<void> {
  if (res.destroyed || (event === 'finish' && res.writableFinished)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (error?: WriteTimeoutError) => {
      clearTimeout(timer);
      res.off(event, onEvent);
      res.off('close', onEvent);
      if (error) reject(error);
      else resolve();
    };
    const onEvent = () => done();
    const timer = setTimeout(() => done(new WriteTimeoutError(timeoutMs)), timeoutMs);
    res.on(event, onEvent);
    res.on('close', onEvent);
  });
}
