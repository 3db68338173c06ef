import {
  defineCalculator,
  describeCalculator,
  type OutputStream,
  type Tensor,
  t,
  tensor,
} from '@weft/framework';
import { runRequestStage } from '../calculators/request-stage.js';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { EmbeddingInfo } from '../model/embedding-info.js';
import { firstOutOfRange } from '../runtime/token-limits.js';
import { errorPacketType } from '../serving/graph-protocol.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { type EmbeddingsJob, type EmbeddingsRequest, embeddingTypes } from './embedding-packets.js';

/**
 * Tokenizes an embeddings request into the encoder's input tensors: INPUT_IDS and ATTENTION_MASK
 * `[inputs, longest]` (int64, right-padded with 0 and mask 0, as Sentence-Transformers and
 * transformers.js pad) and, when connected, TOKEN_TYPE_IDS (zeros, for BERT exports that take
 * them). Special tokens are added as the tokenizer's post-processor says. An input longer than
 * the model's limit, or a token id outside the vocabulary, is a 400 on `input` with the numbers.
 *
 * Example config:
 * ```yaml
 * - calculator: EmbeddingsTokenizerCalculator
 *   input_stream: [REQUEST:validated]
 *   input_side_packet: [TOKENIZER:tokenizer, EMBEDDING_INFO:embedding_info]
 *   output_stream: [JOB:job, INPUT_IDS:input_ids, ATTENTION_MASK:attention_mask, ERROR:tokenize_error]
 * ```
 */
export const EmbeddingsTokenizerCalculator = defineCalculator({
  name: 'EmbeddingsTokenizerCalculator',
  description: describeCalculator(
    'Embeddings request → right-padded INPUT_IDS and ATTENTION_MASK int64 tensors; over-long input is a 400 with the numbers.',
    `
- calculator: EmbeddingsTokenizerCalculator
  input_stream: [REQUEST:validated]
  input_side_packet: [TOKENIZER:tokenizer, EMBEDDING_INFO:embedding_info]
  output_stream: [JOB:job, INPUT_IDS:input_ids, ATTENTION_MASK:attention_mask, ERROR:tokenize_error]
`,
  ),
  inputs: { REQUEST: { type: embeddingTypes.request, description: 'a validated embeddings request' } },
  outputs: {
    JOB: { type: embeddingTypes.job, description: 'the request with its token count' },
    INPUT_IDS: { type: t.tensor(), description: 'int64 [inputs, longest]' },
    ATTENTION_MASK: { type: t.tensor(), description: 'int64 [inputs, longest], 1 = token' },
    TOKEN_TYPE_IDS: { type: t.tensor(), optional: true, description: 'int64 zeros [inputs, longest]' },
    ERROR: { type: errorPacketType, optional: true, description: 'an error packet for a refused request' },
  },
  inputSidePackets: {
    TOKENIZER: { type: embeddingTypes.tokenizer },
    EMBEDDING_INFO: { type: embeddingTypes.info },
  },
  create: () => ({
    async process(ctx) {
      const request = ctx.input('REQUEST')?.value;
      if (!request) return;
      const tensors: OutputStream<Tensor>[] = [ctx.output('INPUT_IDS'), ctx.output('ATTENTION_MASK')];
      if (ctx.outputCount('TOKEN_TYPE_IDS') > 0) tensors.push(ctx.output('TOKEN_TYPE_IDS'));
      await runRequestStage(
        { result: ctx.output('JOB'), error: ctx.outputCount('ERROR') > 0 ? ctx.output('ERROR') : undefined },
        async () => {
          const rows = await tokenize(request, ctx.sidePacket('TOKENIZER'), ctx.sidePacket('EMBEDDING_INFO'));
          const [ids, mask] = toTensors(rows);
          tensors[0]!.add(ids);
          tensors[1]!.add(mask);
          tensors[2]?.add(tensor('int64', ids.dims));
          return { ...request, promptTokens: rows.reduce((n, r) => n + r.length, 0) } satisfies EmbeddingsJob;
        },
      );
      for (const stream of tensors) stream.close();
    },
  }),
});

async function tokenize(
  request: EmbeddingsRequest,
  tokenizer: Tokenizer,
  info: EmbeddingInfo,
): Promise<number[][]> {
  const rows: number[][] = [];
  const vocab = tokenizer.vocabSize;
  const single = request.inputs.length === 1;
  for (const [i, item] of request.inputs.entries()) {
    const where = single ? "'input'" : `'input[${i}]'`;
    const ids =
      'text' in item ? await tokenizer.encode(item.text, { addSpecialTokens: true }) : [...item.ids];
    if (ids.length === 0) {
      throw RequestError.invalid(
        'input',
        `Invalid ${where}: it has no tokens after tokenization; give some text.`,
      );
    }
    if (ids.length > info.maxInputTokens) {
      throw new RequestError(
        L.CONTEXT_LENGTH_EXCEEDED,
        'input',
        `Invalid ${where}: ${ids.length} tokens, but this model takes at most ${info.maxInputTokens} tokens per input. Shorten the input.`,
      );
    }
    const bad = firstOutOfRange(ids, vocab);
    if (bad >= 0) {
      throw RequestError.invalid(
        'input',
        `Invalid ${where}: token id ${ids[bad]} at position ${bad} is outside the vocabulary [0, ${vocab}).`,
      );
    }
    rows.push(ids);
  }
  return rows;
}

function toTensors(rows: readonly number[][]): [Tensor, Tensor] {
  const longest = Math.max(...rows.map((r) => r.length));
  const dims = [rows.length, longest];
  const ids = new BigInt64Array(rows.length * longest);
  const mask = new BigInt64Array(rows.length * longest);
  for (const [r, row] of rows.entries()) {
    for (const [c, id] of row.entries()) {
      ids[r * longest + c] = BigInt(id);
      mask[r * longest + c] = 1n;
    }
  }
  return [tensor('int64', dims, ids), tensor('int64', dims, mask)];
}
