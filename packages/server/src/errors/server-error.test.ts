import { describe, expect, it } from 'vitest';
import { httpErrorAnswer, httpShapeOf, httpShapes, withoutServerPaths } from './http-shapes.js';
import { type ServerError, serverErrors } from './server-error.js';
import { serverErrorCodes } from './server-error-codes.js';

const samples: ServerError[] = [
  serverErrors.invalidJson('Unexpected end of JSON input'),
  serverErrors.unsupportedMediaType('text/plain'),
  serverErrors.bodyTooLarge('1mb'),
  serverErrors.missingModel(),
  serverErrors.invalidParameterType('model', 'model must be a string'),
  serverErrors.invalidParameter('prompt', 'prompt must be a string'),
  serverErrors.modelNotFound('gpt-9', ['tiny-llama']),
  serverErrors.modelNotReady('tiny-llama', 'loading'),
  serverErrors.notSupported('no tokenizer'),
  serverErrors.invalidApiKey(false),
  serverErrors.routeNotFound('GET', '/v3/nope'),
  serverErrors.internal('boom'),
  serverErrors.noResponse('no packet'),
  serverErrors.shuttingDown(),
];

describe('serverErrors', () => {
  it('uses only codes of the table, each with an HTTP shape at the edge', () => {
    const codes = serverErrorCodes.map((e) => e.code);
    for (const error of samples) {
      expect(codes, error.code).toContain(error.code);
      expect(httpShapes[error.code], error.code).toBeDefined();
    }
  });

  it('renders the OpenAI error object with the Weft code at the end of the message', () => {
    expect(httpErrorAnswer(serverErrors.modelNotFound('gpt-9', ['a', 'b']))).toEqual({
      status: 404,
      headers: {},
      body: {
        error: {
          message:
            'The model "gpt-9" does not exist; served models: "a", "b" (GET /v3/models lists them) (WEFT_ERR_SERVER_MODEL_NOT_FOUND)',
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      },
    });
    expect(httpErrorAnswer(serverErrors.unsupportedMediaType(undefined)).body.error.message).toBe(
      'Content-Type is missing; send the body as "application/json" (WEFT_ERR_SERVER_UNSUPPORTED_MEDIA_TYPE)',
    );
    expect(httpErrorAnswer(serverErrors.shuttingDown()).headers).toEqual({ Connection: 'close' });
  });
});

describe('the HTTP edge', () => {
  it('maps the codes of the graph and the engine to OpenAI statuses and codes', () => {
    expect(httpShapeOf('WEFT_ERR_ENGINE_QUEUE_FULL')).toEqual({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      headers: { 'Retry-After': '1' },
    });
    expect(httpShapeOf('WEFT_ERR_CONTEXT_LENGTH_EXCEEDED')).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
    });
    expect(httpShapeOf('WEFT_ERR_REQUEST_UNKNOWN_ENDPOINT')).toMatchObject({
      status: 404,
      code: 'unknown_url',
    });
  });

  it('answers any other code as a failed graph run', () => {
    for (const code of ['WEFT_ERR_NODE_FAILED', 'WEFT_ERR_DEADLOCK', 'WEFT_ERR_MUX_SELECT', 'WEFT_ERR_X']) {
      expect(httpShapeOf(code), code).toEqual({ status: 500, type: 'server_error', code: 'graph_failed' });
    }
  });
});

describe('withoutServerPaths', () => {
  it('names a server file by its base name only, and leaves other slashes alone', () => {
    expect(
      withoutServerPaths("ENOENT: no such file or directory, open '/srv/models/llama/tokenizer.json'"),
    ).toBe("ENOENT: no such file or directory, open '…/tokenizer.json'");
    expect(withoutServerPaths('import failed (file:///home/op/graphs/calc.js:12)')).toBe(
      'import failed (…/calc.js:12)',
    );
    expect(withoutServerPaths('ratio 3/4/5, and/or 1/2')).toBe('ratio 3/4/5, and/or 1/2');
  });

  it('is applied to server faults only: a 4xx message keeps what the client wrote', () => {
    const fault = httpErrorAnswer({ code: 'WEFT_ERR_SERVER_INTERNAL', message: 'read /srv/x/y.bin failed' });
    expect(fault.body.error.message).toBe('read …/y.bin failed (WEFT_ERR_SERVER_INTERNAL)');
    const client = httpErrorAnswer({ code: 'WEFT_ERR_SERVER_INVALID_PARAMETER', message: 'bad /a/b' });
    expect(client.body.error.message).toBe('bad /a/b (WEFT_ERR_SERVER_INVALID_PARAMETER)');
  });
});
