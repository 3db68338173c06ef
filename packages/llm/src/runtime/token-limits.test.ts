import { describe, expect, it } from 'vitest';
import { ContextLengthExceededError, TokenIdOutOfRangeError } from './runtime-errors.js';
import { checkSequenceLength, checkTokenIds, completionBudget, firstOutOfRange } from './token-limits.js';

describe('token limits', () => {
  it('finds the first id that is not an integer inside the vocabulary', () => {
    expect(firstOutOfRange([0, 5, 9], 10)).toBe(-1);
    expect(firstOutOfRange([0, 10, -1], 10)).toBe(1);
    expect(firstOutOfRange([0, 1.5], 10)).toBe(1);
    expect(firstOutOfRange([-1], 10)).toBe(0);
    expect(() => checkTokenIds([3, 4, 10], 10)).toThrow(new TokenIdOutOfRangeError(10, 2, 10));
    expect(() => checkTokenIds([3, 4, 10], 10)).toThrow(
      "token id 10 at position 2 is outside the model's vocabulary [0, 10)",
    );
  });

  it('lets a sequence use every position of the context, not one more', () => {
    expect(() => checkSequenceLength(64, 64)).not.toThrow();
    expect(() => checkSequenceLength(65, 64)).toThrow(
      "sequence of 65 tokens exceeds the model's context length of 64 tokens",
    );
  });

  it('caps max tokens to the room left (engine, generate), refusing only a prompt with no room', () => {
    expect(completionBudget(10, 64, undefined, 'cap')).toBe(54);
    expect(completionBudget(10, 64, 100, 'cap')).toBe(54);
    expect(completionBudget(10, 64, 5, 'cap')).toBe(5);
    expect(completionBudget(63, 64, 5, 'cap')).toBe(1);
    const full = (() => {
      try {
        completionBudget(64, 64, 5, 'cap');
      } catch (err) {
        return err as ContextLengthExceededError;
      }
    })();
    expect(full).toMatchObject({ length: 65, contextLength: 64, promptTokens: 64, completionTokens: 1 });
    expect(full?.message).toBe(
      "prompt plus one new token of 65 tokens exceeds the model's context length of 64 tokens (positions must stay below 64); shorten the prompt or lower max_tokens.",
    );
    expect(() => completionBudget(65, 64, undefined, 'cap')).toThrow(
      "prompt of 65 tokens exceeds the model's context length of 64 tokens",
    );
  });

  it('refuses a prompt plus max tokens over the context (requests), with both shares', () => {
    expect(completionBudget(10, 64, 54, 'refuse')).toBe(54);
    expect(completionBudget(10, 64, undefined, 'refuse')).toBe(54);
    const over = (() => {
      try {
        completionBudget(10, 64, 55, 'refuse');
      } catch (err) {
        return err;
      }
    })();
    expect(over).toBeInstanceOf(ContextLengthExceededError);
    expect(over).toMatchObject({ length: 65, promptTokens: 10, completionTokens: 55 });
    expect((over as Error).message).toBe(
      "prompt plus 55 new tokens of 65 tokens exceeds the model's context length of 64 tokens (positions must stay below 64); shorten the prompt or lower max_tokens.",
    );
    // A prompt that fills the context asks for one token when max tokens is not given.
    expect(() => completionBudget(64, 64, undefined, 'refuse')).toThrow(
      expect.objectContaining({ length: 65, promptTokens: 64, completionTokens: 1 }),
    );
    expect(() => completionBudget(70, 64, 16, 'refuse')).toThrow(
      expect.objectContaining({ length: 86, promptTokens: 70, completionTokens: 16 }),
    );
  });
});
