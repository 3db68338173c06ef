import { OpenAiError } from '../openai/openai-error.js';
import type { LlmResponse } from './llm-packets.js';

/**
 * An engine or runtime error as an error response: its HTTP status when it has one (429 for a
 * full queue), 500 otherwise. The message never carries a stack trace.
 */
export function engineErrorResponse(error: unknown): LlmResponse {
  if (error instanceof OpenAiError) return { status: error.status, body: error.toBody() };
  const status =
    typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
  const message = error instanceof Error ? error.message : String(error);
  const code = status === 429 ? 'rate_limit_exceeded' : ((error as { code?: string })?.code ?? null);
  const e = new OpenAiError(status, message, null, code);
  return { status, body: e.toBody() };
}
