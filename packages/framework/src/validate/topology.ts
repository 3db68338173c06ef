import { V } from '../errors/validation-codes.js';
import type { NodeSpec, Problem } from '../graph/validated-graph.js';

/**
 * Orders nodes so that producers come before consumers (streams and side packets); inputs marked as
 * back edges are ignored. Ties keep file order. Cycles not broken by a back edge become problems
 * naming the nodes on them; their nodes are appended in file order.
 */
export function topologicalOrder(
  nodes: readonly NodeSpec[],
  problems: Problem[],
  graphInputs: { streams?: readonly string[]; sidePackets?: readonly string[] } = {},
): NodeSpec[] {
  // Graph inputs come first (-1): a node re-producing one is reported by checkEdges, not as a loop.
  const producerOf = new Map<string, number>((graphInputs.streams ?? []).map((n) => [n, -1]));
  const sideProducerOf = new Map<string, number>((graphInputs.sidePackets ?? []).map((n) => [n, -1]));
  nodes.forEach((n, i) => {
    for (const p of n.outputs) if (!producerOf.has(p.name)) producerOf.set(p.name, i);
    for (const p of n.outputSidePackets) if (!sideProducerOf.has(p.name)) sideProducerOf.set(p.name, i);
  });
  const deps: Set<number>[] = nodes.map((n) => {
    const d = new Set<number>();
    for (const p of n.inputs) {
      const from = producerOf.get(p.name);
      if (!p.backEdge && from !== undefined && from >= 0) d.add(from);
    }
    for (const p of n.inputSidePackets) {
      const from = sideProducerOf.get(p.name);
      if (from !== undefined && from >= 0) d.add(from);
    }
    return d;
  });
  const placed = new Set<number>();
  const order: NodeSpec[] = [];
  // Repeatedly take the first node (in file order) whose dependencies are placed: O(n²), n is small.
  for (let progress = true; progress; ) {
    progress = false;
    for (let i = 0; i < nodes.length; i++) {
      if (placed.has(i) || [...deps[i]!].some((d) => !placed.has(d))) continue;
      placed.add(i);
      order.push(nodes[i]!);
      progress = true;
      break;
    }
  }
  if (placed.size === nodes.length) return order;
  const left = nodes.map((_, i) => i).filter((i) => !placed.has(i));
  for (const cycle of findCycles(left, deps)) {
    const names = cycle.map((i) => `"${nodes[i]!.name}"`);
    const first = nodes[cycle[0]!]!;
    const closing = first.inputs.find((p) => producerOf.get(p.name) === cycle[cycle.length - 1]);
    const tagIndex = closing
      ? closing.tag === ''
        ? `:${closing.index}`
        : `${closing.tag}:${closing.index}`
      : 'TAG';
    problems.push({
      code: V.CYCLE,
      message: `nodes ${[...names, names[0]].join(' → ')} form a cycle with no back edge; mark the input that closes the loop, e.g. on node "${first.name}": input_stream_info: [{tag_index: '${tagIndex}', back_edge: true}]`,
      location: closing?.location ?? first.location,
    });
  }
  for (const i of left) order.push(nodes[i]!);
  return order;
}

/** One cycle per strongly connected component that has one (Tarjan), each in dependency order. */
function findCycles(members: readonly number[], deps: readonly Set<number>[]): number[][] {
  const inSet = new Set(members);
  const cycles: number[][] = [];
  const done = new Set<number>();
  for (const start of members) {
    if (done.has(start)) continue;
    // Walk backwards along dependencies from `start` until a node repeats: that loop is a cycle.
    const path: number[] = [];
    const onPath = new Map<number, number>();
    let cur: number | undefined = start;
    while (cur !== undefined && !onPath.has(cur) && !done.has(cur)) {
      onPath.set(cur, path.length);
      path.push(cur);
      cur = [...deps[cur]!].filter((d) => inSet.has(d)).sort((a, b) => a - b)[0];
    }
    for (const n of path) done.add(n);
    if (cur === undefined || !onPath.has(cur)) continue;
    // path[k..] walks consumer → producer; reverse it to read in data-flow order, smallest index first.
    const loop = path.slice(onPath.get(cur)).reverse();
    const minAt = loop.indexOf(Math.min(...loop));
    cycles.push([...loop.slice(minAt), ...loop.slice(0, minAt)]);
  }
  return cycles;
}
