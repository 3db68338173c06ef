import { describe, expect, it } from 'vitest';
import { GraphRunError } from '../runtime/run-errors.js';
import { causeCode, hasWeftCode, WeftError } from './weft-error.js';

class QueueFull extends WeftError<'WEFT_ERR_ENGINE_QUEUE_FULL'> {}

describe('WeftError', () => {
  it('names itself after its class and keeps its code', () => {
    const e = new QueueFull('WEFT_ERR_ENGINE_QUEUE_FULL', 'full');
    expect(e.name).toBe('QueueFull');
    expect(e.code).toBe('WEFT_ERR_ENGINE_QUEUE_FULL');
    expect(hasWeftCode(e)).toBe(true);
    expect(hasWeftCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });

  it('causeCode finds the innermost coded error of the cause chain', () => {
    const ref = { nodeName: 'executor', calculatorName: 'LlmExecutorCalculator' };
    const full = new QueueFull('WEFT_ERR_ENGINE_QUEUE_FULL', 'full');
    expect(causeCode(new GraphRunError(ref, 'process', full, 'g'))).toBe('WEFT_ERR_ENGINE_QUEUE_FULL');
    expect(causeCode(new GraphRunError(ref, 'process', new Error('bug'), 'g'))).toBe('WEFT_ERR_NODE_FAILED');
    expect(causeCode(new Error('plain'))).toBeUndefined();
    const loop: Error & { cause?: unknown } = new Error('loop');
    loop.cause = loop;
    expect(causeCode(loop)).toBeUndefined();
  });
});
