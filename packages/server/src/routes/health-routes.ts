import type { Router } from 'express';
import { readEngineStatus } from '../metrics/engine-metrics.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { requestLog } from './request-log.js';

/** KServe-style health (`/v2/health/live`, `/v2/health/ready`) and `/v1/config` (each graph's state). */
export function addHealthRoutes(router: Router, graphs: GraphRegistry, isDraining: () => boolean): void {
  router.get('/v2/health/live', (_req, res) => {
    requestLog(res).endpoint = 'health';
    res.json({ live: true });
  });
  router.get('/v2/health/ready', (_req, res) => {
    requestLog(res).endpoint = 'health';
    const notReady: { name: string; state: string }[] = graphs
      .status()
      .filter((g) => g.state !== 'available')
      .map((g) => ({ name: g.name, state: g.state }));
    // A loaded graph whose engine cannot serve (worker restarting, restarts exhausted) is not ready.
    for (const model of graphs.models()) {
      const engine = readEngineStatus(model.graph);
      if (engine && engine.state !== 'ready')
        notReady.push({ name: model.name, state: `engine_${engine.state}` });
    }
    // A graphs folder that is not watched right now would miss edits: not ready until it is again.
    const problems = graphs.watchProblems();
    const ready = graphs.isReady() && !isDraining() && notReady.length === 0;
    res.status(ready ? 200 : 503).json({
      ready,
      ...(isDraining() && { reason: 'shutting down' }),
      ...(problems.length > 0 && { problems }),
      ...(notReady.length > 0 && { not_ready: notReady }),
    });
  });
}

export function addConfigRoute(router: Router, graphs: GraphRegistry): void {
  router.get('/config', (_req, res) => {
    requestLog(res).endpoint = 'config';
    const engines = new Map(graphs.models().map((m) => [m.name, readEngineStatus(m.graph)]));
    res.json({
      graphs: graphs.status().map((g) => {
        const engine = g.state === 'available' ? engines.get(g.name) : undefined;
        return {
          name: g.name,
          file: g.file,
          state: g.state,
          last_error: g.lastError,
          loaded_at: g.loadedAt,
          ...(engine && {
            engine: { state: engine.state, restarts: engine.restarts, last_error: engine.lastError },
          }),
        };
      }),
    });
  });
}
