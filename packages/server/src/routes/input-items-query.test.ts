import { describe, expect, it } from 'vitest';
import { ServerError } from '../errors/server-error.js';
import { inputItemsQuery } from './input-items-query.js';

function refusal(query: Record<string, unknown>) {
  try {
    inputItemsQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(ServerError);
    const e = error as ServerError;
    return { code: e.code, param: e.param, message: e.message };
  }
  throw new Error('accepted');
}

describe('inputItemsQuery', () => {
  it("takes OpenAI's defaults: limit 20, order desc, no cursor", () => {
    expect(inputItemsQuery({})).toEqual({ limit: 20, order: 'desc' });
    expect(inputItemsQuery({ limit: '100', order: 'asc', after: 'msg_1' })).toEqual({
      limit: 100,
      order: 'asc',
      after: 'msg_1',
    });
    expect(inputItemsQuery({ limit: '1' })).toEqual({ limit: 1, order: 'desc' });
  });

  it('refuses a limit that is not an integer from 1 to 100', () => {
    expect(refusal({ limit: '0' })).toEqual({
      code: 'WEFT_ERR_SERVER_INVALID_PARAMETER',
      param: 'limit',
      message: "Invalid 'limit': 0 is out of range; give 1 to 100 (default 20).",
    });
    expect(refusal({ limit: '101' }).param).toBe('limit');
    expect(refusal({ limit: '2.5' }).message).toBe(
      `Invalid 'limit': "2.5" is not an integer; give 1 to 100 (default 20).`,
    );
    expect(refusal({ limit: '-1' }).param).toBe('limit');
  });

  it('refuses an order other than asc and desc, an empty after, and a repeated parameter', () => {
    expect(refusal({ order: 'newest' })).toEqual({
      code: 'WEFT_ERR_SERVER_INVALID_PARAMETER',
      param: 'order',
      message: `Invalid 'order': "newest"; supported values are 'asc' and 'desc' (default 'desc').`,
    });
    expect(refusal({ after: '' }).param).toBe('after');
    expect(refusal({ limit: ['1', '2'] })).toEqual({
      code: 'WEFT_ERR_SERVER_INVALID_PARAMETER',
      param: 'limit',
      message: "Invalid 'limit': given more than once; give it once.",
    });
  });

  it('refuses include (as include or include[]) and unknown parameters as unsupported', () => {
    for (const key of ['include', 'include[]']) {
      const r = refusal({ [key]: 'message.input_image.image_url' });
      expect(r.code).toBe('WEFT_ERR_SERVER_UNSUPPORTED_PARAMETER');
      expect(r.param).toBe('include');
      expect(r.message).toContain('Unsupported parameter: \'include\' ("message.input_image.image_url").');
    }
    expect(refusal({ limt: '2' })).toEqual({
      code: 'WEFT_ERR_SERVER_UNSUPPORTED_PARAMETER',
      param: 'limt',
      message:
        "Unknown parameter: 'limt' (did you mean 'limit'?); input_items takes 'after', 'include', 'limit', 'order'.",
    });
  });
});
