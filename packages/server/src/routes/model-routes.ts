import type { CompiledGraph } from '@weft/framework';
import type { Router } from 'express';
import { serverErrors } from '../errors/server-error.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { describeModelTask } from './model-task.js';
import { requestLog } from './request-log.js';

const modelObject = (m: { name: string; loadedAt: number; graph: CompiledGraph }) => ({
  id: m.name,
  object: 'model',
  created: m.loadedAt,
  owned_by: 'weft',
  ...describeModelTask(m.graph),
});

/** `GET /models` and `GET /models/{id}` in OpenAI's list/object shapes (available graphs only). */
export function addModelRoutes(router: Router, graphs: GraphRegistry): void {
  router.get('/models', (_req, res) => {
    requestLog(res).endpoint = 'models';
    res.json({ object: 'list', data: graphs.models().map(modelObject) });
  });
  // `*id` so that ids with slashes (`org/model`) work, as in OpenAI's API.
  router.get('/models/*id', (req, res) => {
    const log = requestLog(res);
    log.endpoint = 'models';
    const raw = (req.params as { id: string | string[] }).id;
    const id = Array.isArray(raw) ? raw.join('/') : raw;
    log.model = id;
    const model = graphs.models().find((m) => m.name === id);
    if (!model) {
      throw serverErrors.modelNotFound(
        id,
        graphs.models().map((m) => m.name),
      );
    }
    log.servedModel = model.name;
    res.json(modelObject(model));
  });
}
