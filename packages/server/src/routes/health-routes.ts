import type { Router } from 'express';
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
    const ready = graphs.isReady() && !isDraining();
    const notReady = graphs.status().filter((g) => g.state !== 'available');
    const problems = graphs.watchProblems();
    res.status(ready ? 200 : 503).json({
      ready,
      ...(isDraining() && { reason: 'shutting down' }),
      ...(problems.length > 0 && { problems }),
      ...(notReady.length > 0 && { not_ready: notReady.map((g) => ({ name: g.name, state: g.state })) }),
    });
  });
}

export function addConfigRoute(router: Router, graphs: GraphRegistry): void {
  router.get('/config', (_req, res) => {
    requestLog(res).endpoint = 'config';
    res.json({
      graphs: graphs.status().map((g) => ({
        name: g.name,
        file: g.file,
        state: g.state,
        last_error: g.lastError,
        loaded_at: g.loadedAt,
      })),
    });
  });
}
