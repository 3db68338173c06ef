import type { OutputStream } from '@weft/framework';
import { OpenAiError } from '../openai/openai-error.js';
import type { LlmResponse } from './llm-packets.js';
import { LlmRequestError } from './llm-request-error.js';

/** Where a request stage writes: its result stream, and ERROR when the graph connects it. */
export interface RequestStageOutputs<T> {
  readonly result: OutputStream<T>;
  /** Undefined when ERROR is not connected: a refused request then fails the run. */
  readonly error: OutputStream<LlmResponse> | undefined;
}

/**
 * Runs one stage of a request (validation, tokenization) and emits its outcome: the result, or
 * the client's error response when the stage refuses the request with an `OpenAiError` (any
 * other error is a bug and propagates). Without an ERROR stream the refusal fails the run with
 * the message the client would have got. One request per run: both streams close at once so
 * every consumer settles without waiting for the graph input to close.
 */
export async function runRequestStage<T>(
  outputs: RequestStageOutputs<T>,
  stage: () => T | Promise<T>,
): Promise<void> {
  try {
    outputs.result.add(await stage());
  } catch (error) {
    if (!(error instanceof OpenAiError)) throw error;
    if (!outputs.error) throw new LlmRequestError(error.message, error.status);
    outputs.error.add({ status: error.status, body: error.toBody() });
  }
  outputs.result.close();
  outputs.error?.close();
}
