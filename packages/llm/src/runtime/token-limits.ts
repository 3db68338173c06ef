import { ContextLengthExceededError, TokenIdOutOfRangeError } from './runtime-errors.js';

/**
 * The one place that decides whether tokens fit a model: ids inside `[0, vocabSize)`, sequences
 * within `contextLength` positions, and how many new tokens a prompt may ask for. Every layer that
 * checks (the request's tokenizer stage, the engine's admission, a sequence group's append, a
 * batch step, `generate()`) calls these; the errors carry the numbers, and the request edge words
 * them as OpenAI does (with the `param`).
 */

/** Index of the first id that is not an integer in `[0, vocabSize)`, or -1 when all are. */
export function firstOutOfRange(ids: readonly number[], vocabSize: number): number {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) return i;
  }
  return -1;
}

/** Throws `TokenIdOutOfRangeError` (id, position, vocab size) for the first id outside the vocabulary. */
export function checkTokenIds(ids: readonly number[], vocabSize: number): void {
  const bad = firstOutOfRange(ids, vocabSize);
  if (bad >= 0) throw new TokenIdOutOfRangeError(ids[bad]!, bad, vocabSize);
}

/** Throws `ContextLengthExceededError` when a sequence of `length` tokens needs positions beyond the context. */
export function checkSequenceLength(length: number, contextLength: number): void {
  if (length > contextLength) throw new ContextLengthExceededError(length, contextLength);
}

/**
 * How many new tokens a prompt of `promptTokens` gets: `maxTokens` (all the room left when
 * undefined). A `maxTokens` beyond the room is capped when `fit` is `cap` (the engine, `generate()`)
 * and refused when it is `refuse` (requests: OpenAI refuses prompt + max_tokens over the context).
 * A prompt that leaves no room for one new token is always refused.
 */
export function completionBudget(
  promptTokens: number,
  contextLength: number,
  maxTokens: number | undefined,
  fit: 'cap' | 'refuse',
): number {
  const room = contextLength - promptTokens;
  const want = maxTokens ?? Math.max(room, 1);
  if (fit === 'refuse' ? promptTokens + want > contextLength : room < 1) {
    if (fit === 'cap' && room < 0) {
      throw new ContextLengthExceededError(promptTokens, contextLength, 'prompt', { promptTokens });
    }
    const completionTokens = fit === 'refuse' ? want : 1;
    throw new ContextLengthExceededError(
      promptTokens + completionTokens,
      contextLength,
      completionTokens === 1 ? 'prompt plus one new token' : `prompt plus ${completionTokens} new tokens`,
      { promptTokens, completionTokens },
    );
  }
  return Math.min(want, room);
}
