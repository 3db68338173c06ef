import type { OutputStream } from '@weft/framework';
import { RequestError } from '../errors/llm-errors.js';
import { type ErrorPacket, errorPacket } from '../serving/graph-protocol.js';

/** Where a request stage writes: its result stream, and ERROR when the graph connects it. */
export interface RequestStageOutputs<T> {
  readonly result: OutputStream<T>;
  /** Undefined when ERROR is not connected: a refused request then fails the run. */
  readonly error: OutputStream<ErrorPacket> | undefined;
}

/**
 * Runs one stage of a request (validation, tokenization) and emits its outcome: the result, or
 * an error packet when the stage refuses the request with a `RequestError` (any other error is a
 * bug and propagates). Without an ERROR stream the refusal fails the run (its code stays the cause).
 * One request per run: both streams close at once so every consumer settles without waiting for
 * the graph input to close.
 */
export async function runRequestStage<T>(
  outputs: RequestStageOutputs<T>,
  stage: () => T | Promise<T>,
): Promise<void> {
  try {
    outputs.result.add(await stage());
  } catch (error) {
    if (!(error instanceof RequestError) || !outputs.error) throw error;
    outputs.error.add(errorPacket(error)!);
  }
  outputs.result.close();
  outputs.error?.close();
}
