import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { llmTypes } from '../calculators/llm-packets.js';
import { errorPacketType, type ResponsePacket } from '../serving/graph-protocol.js';
import { type EmbeddingsJob, embeddingTypes } from './embedding-packets.js';

/**
 * HTTP egress of an embedding graph, by the graph protocol: `head` (not streamed), one `chunk` with
 * the body in OpenAI's shape (`{object: "list", data: [{object: "embedding", index, embedding}],
 * model, usage}`), the vectors as float arrays or, for `encoding_format: "base64"`, as base64 of
 * their little-endian float32 bytes (what OpenAI's clients decode), then `usage` and `end`. An
 * ERROR packet at the timestamp is forwarded instead.
 *
 * Example config:
 * ```yaml
 * - calculator: EmbeddingsResponseCalculator
 *   input_stream: [JOB:job, EMBEDDINGS:embeddings, ERROR:0:request_error, ERROR:1:tokenize_error]
 *   output_stream: [RESPONSE:response]
 * ```
 */
export const EmbeddingsResponseCalculator = defineCalculator({
  name: 'EmbeddingsResponseCalculator',
  description: describeCalculator(
    'Float32 [inputs, dims] vectors → an OpenAI embeddings response (float or base64); ERROR packets are forwarded.',
    `
- calculator: EmbeddingsResponseCalculator
  input_stream: [JOB:job, EMBEDDINGS:embeddings, ERROR:0:request_error, ERROR:1:tokenize_error]
  output_stream: [RESPONSE:response]
`,
  ),
  inputs: {
    JOB: { type: embeddingTypes.job, optional: true, description: 'the tokenized request' },
    EMBEDDINGS: { type: t.tensor(), optional: true, description: 'float32 [inputs, dims]' },
    ERROR: {
      type: errorPacketType,
      optional: true,
      multiple: true,
      description: 'error packets from earlier nodes',
    },
  },
  outputs: { RESPONSE: { type: llmTypes.response, description: 'the graph protocol packets' } },
  create: () => ({
    process(ctx) {
      for (let i = 0; i < ctx.inputCount('ERROR'); i++) {
        const error = ctx.input('ERROR', i)?.value;
        if (error) {
          ctx.output('RESPONSE').add(error);
          return;
        }
      }
      const job = ctx.inputCount('JOB') > 0 ? ctx.input('JOB')?.value : undefined;
      const vectors = ctx.inputCount('EMBEDDINGS') > 0 ? ctx.input('EMBEDDINGS')?.value : undefined;
      if (!job || !vectors) return;
      const out = ctx.output('RESPONSE');
      const ts = ctx.inputTimestamp;
      // One request per run: the four packets take the input timestamp and the three after it.
      out.add({ kind: 'head', stream: false }, ts);
      out.add(
        { kind: 'chunk', data: embeddingsBody(job, vectors.data as Float32Array, vectors.dims) },
        ts + 1,
      );
      const usage: ResponsePacket = { kind: 'usage', promptTokens: job.promptTokens, completionTokens: 0 };
      out.add(usage, ts + 2);
      out.add({ kind: 'end' }, ts + 3);
    },
  }),
});

function embeddingsBody(job: EmbeddingsJob, data: Float32Array, dims: readonly number[]): object {
  const [rows, width] = dims as [number, number];
  const data_ = Array.from({ length: rows }, (_, index) => {
    const row = data.subarray(index * width, (index + 1) * width);
    const embedding =
      job.encodingFormat === 'base64'
        ? Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('base64')
        : Array.from(row);
    return { object: 'embedding', index, embedding };
  });
  return {
    object: 'list',
    data: data_,
    model: job.model,
    usage: { prompt_tokens: job.promptTokens, total_tokens: job.promptTokens },
  };
}
