import { GraphRunError } from '@weft/framework';
import { RequestError } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { httpErrorAnswer } from '../errors/http-shapes.js';
import { graphFailure } from './graph-failure.js';

const ref = { nodeName: 'request', calculatorName: 'OpenAiRequestCalculator' };

describe('graphFailure', () => {
  it('answers a failed run from its real cause, naming the node, without a stack', () => {
    const refused = RequestError.invalid('n', "Invalid value for 'n': 0 is less than the minimum of 1.");
    const report = graphFailure('tiny', new GraphRunError(ref, 'process', refused, 'tiny'));
    expect(report).toEqual({
      code: 'WEFT_ERR_REQUEST_INVALID_VALUE',
      message:
        'node "request" (OpenAiRequestCalculator) failed in process in graph "tiny": Invalid value for \'n\': 0 is less than the minimum of 1.',
      param: null,
    });
    expect(httpErrorAnswer(report).status).toBe(400);
  });

  it('a plain error in a node is WEFT_ERR_NODE_FAILED, a 500 graph_failed', () => {
    const report = graphFailure(
      'tiny',
      new GraphRunError(ref, 'open', new Error('boom\n    at x (y.js:1:1)'), 'tiny'),
    );
    expect(report.code).toBe('WEFT_ERR_NODE_FAILED');
    expect(report.message).not.toContain('    at ');
    expect(httpErrorAnswer(report)).toMatchObject({ status: 500, body: { error: { code: 'graph_failed' } } });
  });

  it('an uncoded error outside a node names the graph', () => {
    expect(graphFailure('tiny', new Error('lost'))).toEqual({
      code: 'WEFT_ERR_SERVER_INTERNAL',
      message: 'graph "tiny" failed: lost',
      param: null,
    });
  });
});
