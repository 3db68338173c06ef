import { describe, expect, it } from 'vitest';
import { type HttpError, httpErrors } from './http-error.js';
import { serverErrorCodes } from './server-error-codes.js';

const samples: HttpError[] = [
  httpErrors.invalidJson('Unexpected end of JSON input'),
  httpErrors.unsupportedMediaType('text/plain'),
  httpErrors.bodyTooLarge('1mb'),
  httpErrors.invalidParameter('prompt', 'prompt must be a string'),
  httpErrors.modelNotFound('gpt-9', ['tiny-llama']),
  httpErrors.modelNotReady('tiny-llama', 'loading'),
  httpErrors.notSupported('no tokenizer'),
  httpErrors.invalidApiKey(false),
  httpErrors.routeNotFound('GET', '/v3/nope'),
  httpErrors.graphFailed('node "x" failed'),
  httpErrors.noResponse('no packet'),
  httpErrors.shuttingDown(),
];

describe('httpErrors', () => {
  it('uses only codes of the table, with the status the table documents', () => {
    for (const error of samples) {
      const entry = serverErrorCodes.find((e) => e.code === error.weftCode);
      expect(entry, error.weftCode).toBeDefined();
      expect(error.status, error.weftCode).toBe((entry as { status?: number }).status);
    }
  });

  it('renders the OpenAI error object with the Weft code at the end of the message', () => {
    expect(httpErrors.modelNotFound('gpt-9', ['a', 'b']).toBody()).toEqual({
      error: {
        message:
          'The model "gpt-9" does not exist; served models: "a", "b" (GET /v3/models lists them) (WEFT_ERR_SERVER_MODEL_NOT_FOUND)',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    expect(httpErrors.unsupportedMediaType(undefined).toBody().error.message).toBe(
      'Content-Type is missing; send the body as "application/json" (WEFT_ERR_SERVER_UNSUPPORTED_MEDIA_TYPE)',
    );
  });
});
