import { isAbsolute, resolve } from 'node:path';
import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { loadEmbeddingInfo } from '../model/embedding-info.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { embeddingTypes } from './embedding-packets.js';

/**
 * Reads an embedding model directory once per graph (`scope: 'graph'`): its TOKENIZER, what it
 * declares (EMBEDDING_INFO: pooling, normalize, input limit, vector length; `/v3/models` shows
 * it) and its POOLING mode as a string for PoolingCalculator's MODE side packet, so a real
 * Sentence-Transformers directory picks its own pooling. The ONNX file itself is opened by
 * OnnxSessionCalculator.
 *
 * Example config:
 * ```yaml
 * - calculator: EmbeddingModelCalculator
 *   output_side_packet: [TOKENIZER:tokenizer, EMBEDDING_INFO:embedding_info, POOLING:pooling]
 *   options: { model_dir: ../models/tiny-embed }
 * ```
 */
export const EmbeddingModelCalculator = defineCalculator({
  name: 'EmbeddingModelCalculator',
  description: describeCalculator(
    'Reads an embedding model directory (Sentence-Transformers layout) once per graph: tokenizer, pooling mode and what the model declares.',
    `
- calculator: EmbeddingModelCalculator
  output_side_packet: [TOKENIZER:tokenizer, EMBEDDING_INFO:embedding_info, POOLING:pooling]
  options: { model_dir: ../models/tiny-embed }
`,
  ),
  scope: 'graph',
  outputSidePackets: {
    TOKENIZER: { type: embeddingTypes.tokenizer, description: 'the model tokenizer' },
    EMBEDDING_INFO: { type: embeddingTypes.info, description: 'pooling, normalize, input limit, dimensions' },
    POOLING: {
      type: t.string(),
      optional: true,
      description: 'mean, cls or last_token (from 1_Pooling/config.json)',
    },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['model_dir'],
    properties: {
      model_dir: { type: 'string', minLength: 1, description: 'model directory, relative to the graph file' },
    },
  },
  create: () => ({
    open(ctx) {
      const dir = isAbsolute(ctx.options.model_dir)
        ? ctx.options.model_dir
        : resolve(ctx.graphDir ?? process.cwd(), ctx.options.model_dir);
      const info = loadEmbeddingInfo(dir);
      ctx.setOutputSidePacket('TOKENIZER', Tokenizer.load(info.tokenizerFile));
      ctx.setOutputSidePacket('EMBEDDING_INFO', info);
      ctx.setOutputSidePacket('POOLING', info.pooling);
    },
  }),
});
