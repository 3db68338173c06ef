import { defineCalculator, describeCalculator, t } from '@weft/framework';
import type { PromptInput } from '../calculators/llm-packets.js';
import { llmTypes } from '../calculators/llm-packets.js';
import { runRequestStage } from '../calculators/request-stage.js';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { EmbeddingInfo } from '../model/embedding-info.js';
import { validateBody } from '../openai/body-validator.js';
import { errorPacketType, type GraphRequest } from '../serving/graph-protocol.js';
import { type EmbeddingsRequest, embeddingTypes } from './embedding-packets.js';

/**
 * HTTP ingress of an embedding graph: validates an OpenAI `/embeddings` body (`input` as a string,
 * strings, token ids or token-id arrays; `encoding_format`; `dimensions`; unknown fields refused)
 * and refuses empty input, too many inputs and more dimensions than the model has, each as a 400
 * naming the item. DIMENSIONS carries the requested size for MatryoshkaTruncateCalculator.
 *
 * Example config:
 * ```yaml
 * - calculator: EmbeddingsRequestCalculator
 *   input_stream: [REQUEST:request]
 *   input_side_packet: [EMBEDDING_INFO:embedding_info]
 *   output_stream: [REQUEST:validated, DIMENSIONS:dimensions, ERROR:request_error]
 * ```
 */
export const EmbeddingsRequestCalculator = defineCalculator({
  name: 'EmbeddingsRequestCalculator',
  description: describeCalculator(
    'Validates an OpenAI embeddings request; invalid requests become a 400 error response naming the parameter.',
    `
- calculator: EmbeddingsRequestCalculator
  input_stream: [REQUEST:request]
  input_side_packet: [EMBEDDING_INFO:embedding_info]
  output_stream: [REQUEST:validated, DIMENSIONS:dimensions, ERROR:request_error]
`,
  ),
  inputs: {
    REQUEST: {
      type: llmTypes.request,
      description: 'the GraphRequest {endpoint: "embeddings", model, body} at timestamp 0',
    },
  },
  outputs: {
    REQUEST: { type: embeddingTypes.request, description: 'the validated request' },
    DIMENSIONS: { type: t.number(), optional: true, description: 'the requested vector length, when given' },
    ERROR: { type: errorPacketType, optional: true, description: 'an error packet for a refused request' },
  },
  inputSidePackets: { EMBEDDING_INFO: { type: embeddingTypes.info } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_inputs: {
        type: 'integer',
        minimum: 1,
        default: 2048,
        description: 'inputs per request at most (OpenAI: 2048)',
      },
    },
  },
  create: () => ({
    async process(ctx) {
      const request = ctx.input('REQUEST')?.value;
      if (!request) return;
      const dims = ctx.outputCount('DIMENSIONS') > 0 ? ctx.output('DIMENSIONS') : undefined;
      await runRequestStage(
        {
          result: ctx.output('REQUEST'),
          error: ctx.outputCount('ERROR') > 0 ? ctx.output('ERROR') : undefined,
        },
        () => {
          const validated = validate(request, ctx.sidePacket('EMBEDDING_INFO'), ctx.options.max_inputs);
          if (validated.dimensions !== undefined) dims?.add(validated.dimensions);
          return validated;
        },
      );
      dims?.close();
    },
  }),
});

function validate(request: GraphRequest, info: EmbeddingInfo, maxInputs: number): EmbeddingsRequest {
  const endpoint = request.endpoint;
  if (endpoint !== 'embeddings') {
    throw new RequestError(
      L.REQUEST_UNKNOWN_ENDPOINT,
      null,
      `Unknown endpoint ${JSON.stringify(endpoint)}; this graph serves "embeddings".`,
    );
  }
  const body = validateBody('embeddings', request.body);
  const input = body.input;
  let inputs: PromptInput[];
  if (typeof input === 'string') inputs = [{ text: input }];
  else if (input.length === 0) {
    throw RequestError.invalid(
      'input',
      "Invalid 'input': the array is empty; give at least one string or token-id array.",
    );
  } else if (typeof input[0] === 'string') inputs = (input as string[]).map((text) => ({ text }));
  else if (typeof input[0] === 'number') inputs = [{ ids: input as number[] }];
  else inputs = (input as number[][]).map((ids) => ({ ids }));
  if (inputs.length > maxInputs) {
    throw RequestError.invalid(
      'input',
      `Invalid 'input': ${inputs.length} inputs given, at most ${maxInputs} per request.`,
    );
  }
  for (const [i, item] of inputs.entries()) {
    const empty = 'text' in item ? item.text.length === 0 : item.ids.length === 0;
    if (empty) {
      const where = typeof input === 'string' ? "'input'" : `'input[${i}]'`;
      throw RequestError.invalid(
        'input',
        `Invalid ${where}: it is empty; every input needs at least one token.`,
      );
    }
  }
  const dimensions = body.dimensions ?? undefined;
  if (dimensions !== undefined && dimensions > info.dimensions) {
    throw RequestError.invalid(
      'dimensions',
      `Invalid 'dimensions': ${dimensions} is more than this model's ${info.dimensions}; ask for 1 to ${info.dimensions}.`,
    );
  }
  return { model: request.model, inputs, encodingFormat: body.encoding_format ?? 'float', dimensions };
}
