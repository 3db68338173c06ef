import type { RawGraph, RawNode } from './raw-graph.js';
import type { YamlPath } from './yaml-source.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of a graph that failed its schema check, with every offending field removed, so the rest
 * can still be checked and all problems reported at once. Nodes touched by a schema problem are
 * `tainted` (their connections are incomplete); a node that is unusable as a whole becomes undefined,
 * keeping the indexes of the others (they locate YAML positions).
 */
export function sanitizeGraph(
  value: unknown,
  paths: readonly YamlPath[],
): { raw: RawGraph; tainted: ReadonlySet<number> } {
  const root: Record<string, unknown> = isObject(value) ? structuredClone(value) : {};
  const tainted = new Set<number>();
  for (const [top, index, field] of paths) {
    if (top === undefined) continue;
    if (top !== 'nodes' || typeof index !== 'number' || !Array.isArray(root.nodes)) {
      delete root[top];
      continue;
    }
    tainted.add(index);
    const node = root.nodes[index] as unknown;
    if (field === undefined || !isObject(node)) root.nodes[index] = undefined;
    else delete node[field];
  }
  if (!Array.isArray(root.nodes)) root.nodes = [];
  root.nodes = (root.nodes as unknown[]).map((n) =>
    isObject(n) && typeof n.calculator === 'string' ? (n as unknown as RawNode) : undefined,
  );
  return { raw: root as unknown as RawGraph, tainted };
}
