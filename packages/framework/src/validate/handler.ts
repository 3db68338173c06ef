import type { InputStreamHandlerConfig } from '../calculator/contract.js';
import { V } from '../errors/validation-codes.js';
import type { PortRef, Problem, SourceLocation } from '../graph/validated-graph.js';

/** Checks `sync_sets`: only for `sync_set`, each entry a node input (`TAG` or `TAG:index`), no repeats. */
export function checkHandler(
  handler: InputStreamHandlerConfig,
  inputs: readonly PortRef[],
  who: string,
  location: SourceLocation,
  problems: Problem[],
): void {
  if (!handler.sync_sets) return;
  if (handler.handler !== 'sync_set') {
    problems.push({
      code: V.SYNC_SET,
      message: `${who} gives sync_sets to the "${handler.handler}" handler; sync_sets apply only to handler "sync_set" (set handler: sync_set or remove sync_sets)`,
      location,
    });
    return;
  }
  const seen = new Set<string>();
  const have = inputs.map((p) => `${p.tag}:${p.index}`);
  for (const set of handler.sync_sets) {
    for (const entry of set) {
      const m = /^([A-Z_][A-Z0-9_]*)?(?::(0|[1-9][0-9]*))?$/.exec(entry);
      const key = m ? `${m[1] ?? ''}:${m[2] ?? 0}` : undefined;
      if (key === undefined || !have.includes(key)) {
        problems.push({
          code: V.SYNC_SET,
          message: `${who} sync_sets entry "${entry}" names no input port of this node; use TAG or TAG:index of its inputs (${have.map((h) => (h.startsWith(':') ? h : h.replace(/:0$/, ''))).join(', ') || 'none'})`,
          location,
        });
      } else if (seen.has(key)) {
        problems.push({
          code: V.SYNC_SET,
          message: `${who} sync_sets lists "${entry}" twice; each input belongs to at most one sync set`,
          location,
        });
      }
      if (key) seen.add(key);
    }
  }
}
