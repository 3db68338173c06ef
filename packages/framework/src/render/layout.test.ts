import { describe, expect, it } from 'vitest';
import type { GraphView } from './graph-view.js';
import { layoutGraph, mergeParallel } from './layout.js';

const node = (id: string) => ({ id, kind: 'node' as const, label: id, sublabel: 'Calc' });

// a → b → c → d, plus a long edge a → d and a back edge d → b.
const view: GraphView = {
  title: 't',
  vertices: ['a', 'b', 'c', 'd'].map(node),
  edges: [
    { from: 'a', to: 'b', label: 'x', kind: 'stream' },
    { from: 'b', to: 'c', label: 'y', kind: 'stream' },
    { from: 'c', to: 'd', label: 'z', kind: 'stream' },
    { from: 'a', to: 'd', label: 'skip', kind: 'stream' },
    { from: 'd', to: 'b', label: 'loop', kind: 'back_edge' },
  ],
};

describe('layoutGraph', () => {
  const layout = layoutGraph(view);

  it('puts nodes in layers by longest path, ignoring back edges', () => {
    expect(['a', 'b', 'c', 'd'].map((id) => layout.boxes.get(id)!.layer)).toEqual([0, 1, 2, 3]);
  });

  it('gives a long edge one waypoint per crossed layer, beside the boxes of that layer', () => {
    const skip = layout.edges.find((e) => e.edge.label === 'skip')!;
    expect(skip.via).toHaveLength(2);
    for (const [i, id] of ['b', 'c'].entries()) {
      const box = layout.boxes.get(id)!;
      const p = skip.via[i]!;
      expect(p.top).toBeLessThanOrEqual(box.y);
      expect(p.x < box.x || p.x > box.x + box.w).toBe(true);
    }
    expect(layout.edges.find((e) => e.edge.kind === 'back_edge')!.via).toEqual([]);
  });

  it('merges parallel arrows of one kind into one labelled with every name', () => {
    expect(
      mergeParallel([
        { from: 'a', to: 'b', label: 'x', kind: 'stream' },
        { from: 'a', to: 'b', label: 'y', kind: 'stream' },
        { from: 'a', to: 'b', label: 'm', kind: 'side_packet' },
      ]),
    ).toEqual([
      { from: 'a', to: 'b', label: 'x, y', kind: 'stream' },
      { from: 'a', to: 'b', label: 'm', kind: 'side_packet' },
    ]);
  });
});
