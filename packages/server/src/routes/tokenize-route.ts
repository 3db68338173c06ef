import type { Router } from 'express';
import { serverErrors } from '../errors/server-error.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';
import { requestLog } from './request-log.js';
import { resolveModel } from './resolve-model.js';

interface Encoder {
  encode(text: string): Promise<readonly number[] | Int32Array | Uint32Array> | readonly number[];
}

/** `POST /tokenize` `{model, prompt}` → `{"tokens": [...]}` with the graph's `TOKENIZER` side packet. */
export function addTokenizeRoute(router: Router, graphs: GraphRegistry): void {
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
          `prompt must be a string or an array of strings, got ${JSON.stringify(prompt) ?? 'nothing'}; example: {"model": "${lease.name}", "prompt": "Hello"}`,
        );
      }
      const tokenizer = sharedSidePacketByTag(lease.graph, 'TOKENIZER') as Encoder | undefined;
      if (typeof tokenizer?.encode !== 'function') {
        throw serverErrors.notSupported(
          `model "${lease.name}" has no TOKENIZER side packet, so it cannot tokenize; serve a graph with output_side_packet: [TOKENIZER:tokenizer]`,
        );
      }
      const encode = async (text: string) => Array.from(await tokenizer.encode(text));
      const tokens =
        typeof prompt === 'string'
          ? await encode(prompt)
          : await Promise.all((prompt as string[]).map(encode));
      res.json({ tokens });
    } finally {
      lease.release();
    }
  });
}
