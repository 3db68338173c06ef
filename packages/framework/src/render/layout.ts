import type { GraphView, Vertex } from './graph-view.js';

export interface Box {
  readonly vertex: Vertex;
  readonly layer: number;
  /** Top-left corner and size, in SVG user units. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Layout {
  readonly boxes: ReadonlyMap<string, Box>;
  readonly width: number;
  readonly height: number;
}

export const LAYOUT = { margin: 24, title: 28, rowGap: 56, colGap: 32, charWidth: 7.2 } as const;

const boxSize = (v: Vertex): { w: number; h: number } => {
  const chars = Math.max(v.label.length, v.sublabel?.length ?? 0);
  return { w: Math.max(80, Math.ceil(chars * LAYOUT.charWidth) + 28), h: v.kind === 'node' ? 46 : 30 };
};

/**
 * A small layered (Sugiyama-style) layout: layers by longest path ignoring back edges, order within
 * a layer by two barycenter sweeps, each layer centred. Good enough for the graphs people write
 * by hand (tens of nodes); it does not route edges around boxes.
 */
export function layoutGraph(view: GraphView): Layout {
  const layer = new Map<string, number>();
  const preds = new Map<string, string[]>();
  for (const e of view.edges) {
    if (e.kind === 'back_edge') continue;
    preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  }
  // Vertices come in dependency order (graph inputs, nodes in topological order, outputs), so one pass suffices.
  for (const v of view.vertices) {
    const ps = preds.get(v.id) ?? [];
    layer.set(v.id, ps.length === 0 ? 0 : Math.max(...ps.map((p) => (layer.get(p) ?? 0) + 1)));
  }
  const layers: Vertex[][] = [];
  for (const v of view.vertices) {
    const L = layer.get(v.id)!;
    layers[L] = [...(layers[L] ?? []), v];
  }
  const position = new Map<string, number>();
  const sweep = () => {
    layers.forEach((row, L) => {
      if (L > 0) {
        const centre = (v: Vertex) => {
          const ps = (preds.get(v.id) ?? []).map((p) => position.get(p) ?? 0);
          return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : (position.get(v.id) ?? 0);
        };
        row.sort((a, b) => centre(a) - centre(b));
      }
      row.forEach((v, i) => {
        position.set(v.id, i - (row.length - 1) / 2);
      });
    });
  };
  sweep();
  sweep();
  const widths = layers.map(
    (row) => row.reduce((s, v) => s + boxSize(v).w, 0) + LAYOUT.colGap * (row.length - 1),
  );
  const inner = Math.max(0, ...widths);
  const rowH = 46;
  const boxes = new Map<string, Box>();
  layers.forEach((row, L) => {
    let x = LAYOUT.margin + (inner - widths[L]!) / 2;
    const y = LAYOUT.margin + LAYOUT.title + L * (rowH + LAYOUT.rowGap);
    for (const v of row) {
      const { w, h } = boxSize(v);
      boxes.set(v.id, { vertex: v, layer: L, x, y: y + (rowH - h) / 2, w, h });
      x += w + LAYOUT.colGap;
    }
  });
  return {
    boxes,
    width: Math.ceil(inner + 2 * LAYOUT.margin),
    height: Math.ceil(
      LAYOUT.margin * 2 + LAYOUT.title + layers.length * rowH + (layers.length - 1) * LAYOUT.rowGap,
    ),
  };
}
