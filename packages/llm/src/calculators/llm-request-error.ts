import { LlmError } from '../errors/llm-errors.js';

/**
 * A request the LLM graph refused (bad parameter, prompt too long...) in a graph that has no
 * ERROR stream to answer with; the run fails with the same message the client would have got.
 */
export class LlmRequestError extends LlmError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super('WEFT_ERR_LLM_REQUEST', message);
  }
}
