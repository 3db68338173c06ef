import type { Router } from 'express';
import type { ServerLimits } from '../app/server-limits.js';
import { quoteInput } from '../errors/quote-input.js';
import { serverErrors } from '../errors/server-error.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';
import { requestLog } from './request-log.js';
import { resolveModel } from './resolve-model.js';

interface Encoder {
  encode(text: string): Promise<readonly number[] | Int32Array | Uint32Array> | readonly number[];
}

/**
 * `POST /tokenize` `{model, prompt}` → `{"tokens": [...]}` with the graph's `TOKENIZER` side packet.
 * Prompts are tokenized one after the other and their characters bounded (`max_tokenize_chars`):
 * the native tokenizer's memory grows with the text and is not given back to the system.
 */
export function addTokenizeRoute(router: Router, graphs: GraphRegistry, limits: ServerLimits): void {
  router.post('/tokenize', async (req, res) => {
    const log = requestLog(res);
    log.endpoint = 'tokenize';
    const body = req.body as Record<string, unknown>;
    if (typeof body.model === 'string') log.model = body.model;
    const lease = resolveModel(graphs, body, log);
    try {
      const prompt = body.prompt;
      const isList = Array.isArray(prompt) && prompt.every((p) => typeof p === 'string');
      if (typeof prompt !== 'string' && !isList) {
        throw serverErrors.invalidParameter(
          'prompt',
          `prompt must be a string or an array of strings, got ${quoteInput(prompt)}; example: {"model": "${lease.name}", "prompt": "Hello"}`,
        );
      }
      const texts = typeof prompt === 'string' ? [prompt] : (prompt as string[]);
      const chars = texts.reduce((sum, text) => sum + text.length, 0);
      if (chars > limits.maxTokenizeChars) {
        throw serverErrors.invalidParameter(
          'prompt',
          `prompt has ${chars} characters; /tokenize takes at most ${limits.maxTokenizeChars} per request (max_tokenize_chars)`,
        );
      }
      const tokenizer = sharedSidePacketByTag(lease.graph, 'TOKENIZER') as Encoder | undefined;
      if (typeof tokenizer?.encode !== 'function') {
        throw serverErrors.notSupported(
          `model "${lease.name}" has no TOKENIZER side packet, so it cannot tokenize; serve a graph with output_side_packet: [TOKENIZER:tokenizer]`,
        );
      }
      const lists: number[][] = [];
      for (const text of texts) lists.push(Array.from(await tokenizer.encode(text)));
      res.json({ tokens: typeof prompt === 'string' ? lists[0] : lists });
    } finally {
      lease.release();
    }
  });
}
