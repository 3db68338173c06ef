import type { NodeSpec } from '../graph/validated-graph.js';

/**
 * Groups a node's inputs into input sets. `default`: one set of every input. `immediate`: every
 * input alone. `sync_set`: the listed groups (`TAG`, `TAG:index` or a stream name), plus one set of
 * all unlisted inputs, as MediaPipe's SyncSetInputStreamHandler does.
 */
export function resolveSyncSets(spec: NodeSpec): number[][] {
  const all = spec.inputs.map((_, i) => i);
  const config = spec.inputStreamHandler;
  if (all.length === 0) return [];
  if (config.handler === 'immediate') return all.map((i) => [i]);
  if (config.handler !== 'sync_set' || config.sync_sets === undefined) return [all];
  const used = new Set<number>();
  const sets: number[][] = [];
  for (const group of config.sync_sets) {
    const set: number[] = [];
    for (const entry of group) {
      for (const local of matchPort(spec, entry)) {
        if (used.has(local)) continue;
        used.add(local);
        set.push(local);
      }
    }
    if (set.length > 0) sets.push(set);
  }
  const rest = all.filter((i) => !used.has(i));
  if (rest.length > 0) sets.push(rest);
  return sets;
}

function matchPort(spec: NodeSpec, entry: string): number[] {
  const colon = entry.indexOf(':');
  const tag = colon < 0 ? entry : entry.slice(0, colon);
  const index = colon < 0 ? undefined : Number(entry.slice(colon + 1));
  const matches: number[] = [];
  spec.inputs.forEach((p, local) => {
    if (p.name === entry || (p.tag === tag && (index === undefined || p.index === index)))
      matches.push(local);
  });
  return matches;
}
