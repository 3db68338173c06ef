import { t } from '@weft/framework';
import type { PromptInput } from '../calculators/llm-packets.js';
import type { EmbeddingInfo } from '../model/embedding-info.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

/** A validated `/embeddings` request (EmbeddingsRequestCalculator → EmbeddingsTokenizerCalculator). */
export interface EmbeddingsRequest {
  readonly model: string;
  readonly inputs: readonly PromptInput[];
  readonly encodingFormat: 'float' | 'base64';
  /** Requested vector length (Matryoshka truncation), when given. */
  readonly dimensions: number | undefined;
}

/** A tokenized request: what the response node needs besides the vectors. */
export interface EmbeddingsJob extends EmbeddingsRequest {
  readonly promptTokens: number;
}

export const embeddingTypes = {
  request: t.named<EmbeddingsRequest>('EmbeddingsRequest'),
  job: t.named<EmbeddingsJob>('EmbeddingsJob'),
  info: t.named<EmbeddingInfo>('EmbeddingInfo'),
  tokenizer: t.named<Tokenizer>('LlmTokenizer'),
} as const;
