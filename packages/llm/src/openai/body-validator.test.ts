import { describe, expect, it } from 'vitest';
import { bodyFor, errorPacketOf, graphCases } from '../../../../tests/llm-graph/param-cases.js';
import { RequestError } from '../errors/llm-errors.js';
import { errorPacket } from '../serving/graph-protocol.js';
import { validateBody } from './body-validator.js';
import { toTemplateMessages } from './chat-messages.js';
import { requestOptions } from './request-params.js';
import {
  chatStructuredOptions,
  checkConstraintConflicts,
  responseFormatConstraint,
} from './structured-params.js';

function check(endpoint: 'completions' | 'chat/completions', body: unknown): RequestError | undefined {
  try {
    const valid = validateBody(endpoint, body);
    requestOptions(endpoint, valid);
    // What OpenAiRequestCalculator checks next (the tiny model's tool format is hermes).
    const { constraint } =
      'messages' in valid
        ? chatStructuredOptions(valid, 'hermes')
        : { constraint: responseFormatConstraint(valid.response_format, 'response_format') };
    checkConstraintConflicts(valid, constraint !== undefined);
    if ('messages' in valid) toTemplateMessages(valid.messages);
    return undefined;
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
}

describe('validateBody + requestOptions + structured options', () => {
  it.each(graphCases().map((c) => [`${c.endpoint} ${c.name}`, c] as const))('%s', (_, c) => {
    const err = check(c.endpoint, bodyFor(c));
    if (!c.error) {
      expect(err).toBeUndefined();
      return;
    }
    expect(err && errorPacket(err)).toEqual(errorPacketOf(c.error));
  });

  it('rejects a body that is not an object', () => {
    expect(errorPacket(check('completions', [1]))).toEqual({
      kind: 'error',
      message: 'Invalid request body: expected a JSON object, but got an array.',
      param: null,
      code: 'WEFT_ERR_REQUEST_INVALID_TYPE',
    });
  });

  it('names missing required fields', () => {
    expect(check('completions', { model: 'm' })?.message).toBe("Missing required parameter: 'prompt'.");
  });

  it('normalises defaults', () => {
    const o = requestOptions(
      'completions',
      validateBody('completions', { model: 'm', prompt: 'x', stop: 'END' }),
    );
    expect(o.params.maxTokens).toBe(16);
    expect(o.params.stop).toEqual(['END']);
    expect(o.params.temperature).toBe(1);
    const chat = requestOptions(
      'chat/completions',
      validateBody('chat/completions', {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        logprobs: true,
      }),
    );
    expect(chat.params.maxTokens).toBeUndefined();
    expect(chat.params.logprobs).toBe(0);
  });
});

describe('keys named like Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    '%s is an unknown parameter like any other',
    (key) => {
      // JSON.parse makes `__proto__` an own key, as a client's body would have it.
      const body = JSON.parse(`{"model": "m", "prompt": "x", ${JSON.stringify(key)}: null}`);
      const err = check('completions', body);
      expect(err && errorPacket(err)).toEqual({
        kind: 'error',
        code: 'WEFT_ERR_REQUEST_UNKNOWN_PARAMETER',
        param: key,
        message: `Unrecognized request argument supplied: ${key}`,
      });
    },
  );
});
