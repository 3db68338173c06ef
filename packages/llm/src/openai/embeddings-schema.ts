import { nullable, type Schema, string } from './schema-parts.js';

/** A `POST /embeddings` body as validated. */
export interface EmbeddingsBody {
  /** Checked by the server; the graph uses `GraphRequest.model`. */
  model?: unknown;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64' | null;
  dimensions?: number | null;
  user?: string | null;
}

/**
 * JSON Schema of a `POST /embeddings` body. Emptiness (`""`, `[]`, `[[]]`) is not refused here but
 * by EmbeddingsRequestCalculator, which names the item and the rule.
 */
export const embeddingsSchema: Schema = {
  type: 'object',
  'x-expected': 'a JSON object',
  required: ['input'],
  additionalProperties: false,
  properties: {
    // Checked once, by the server, which picked this graph by it (the graph reads GraphRequest.model).
    model: {},
    input: {
      'x-expected': 'a string, an array of strings, an array of token ids, or an array of token-id arrays',
      anyOf: [
        { type: 'string' },
        { type: 'array', items: { type: 'string' } },
        { type: 'array', items: { type: 'integer', minimum: 0 } },
        { type: 'array', items: { type: 'array', items: { type: 'integer', minimum: 0 } } },
      ],
    },
    encoding_format: nullable({ type: 'string', enum: ['float', 'base64'] }, "'float' or 'base64'"),
    dimensions: nullable({ type: 'integer', minimum: 1 }, 'an integer'),
    user: string(),
  },
};
