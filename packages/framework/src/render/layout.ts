import type { Edge, GraphView, Vertex } from './graph-view.js';

export interface Box {
  readonly vertex: Vertex;
  readonly layer: number;
  /** Top-left corner and size, in SVG user units. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** An edge to draw; `via` are the points where a long edge crosses the layers between its ends. */
export interface RoutedEdge {
  readonly edge: Edge;
  /** Pairs of points (top, bottom of the layer row) for each layer crossed; empty for short edges. */
  readonly via: readonly { readonly x: number; readonly top: number; readonly bottom: number }[];
}

export interface Layout {
  readonly boxes: ReadonlyMap<string, Box>;
  readonly edges: readonly RoutedEdge[];
  readonly width: number;
  readonly height: number;
}

export const LAYOUT = {
  margin: 24,
  title: 28,
  rowH: 46,
  rowGap: 56,
  colGap: 32,
  charWidth: 7.2,
  lane: 14,
} as const;

const boxSize = (v: Vertex): { w: number; h: number } => {
  const chars = Math.max(v.label.length, v.sublabel?.length ?? 0);
  return { w: Math.max(80, Math.ceil(chars * LAYOUT.charWidth) + 28), h: v.kind === 'node' ? 46 : 30 };
};

/** One arrow per (from, to, kind), labelled with every name it carries: parallel arrows would overlap. */
export function mergeParallel(edges: readonly Edge[]): Edge[] {
  const merged = new Map<string, Edge>();
  for (const e of edges) {
    const key = `${e.from}>${e.to}>${e.kind}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, label: `${seen.label}, ${e.label}` } : e);
  }
  return [...merged.values()];
}

/** A vertex or a waypoint of a long edge in one layer. */
interface Item {
  readonly id: string;
  readonly w: number;
  readonly vertex?: Vertex;
}

/**
 * A small layered (Sugiyama-style) layout: layers by longest path ignoring back edges; edges that
 * span several layers get a waypoint in each layer they cross (so they pass beside boxes, not
 * through them); order within a layer by barycenter sweeps; each layer centred.
 */
export function layoutGraph(view: GraphView): Layout {
  const edges = mergeParallel(view.edges);
  const layer = new Map<string, number>();
  const preds = new Map<string, string[]>();
  const addPred = (to: string, from: string) => preds.set(to, [...(preds.get(to) ?? []), from]);
  for (const e of edges) if (e.kind !== 'back_edge') addPred(e.to, e.from);
  // Vertices come in dependency order (graph inputs, nodes in topological order, outputs): one pass.
  for (const v of view.vertices) {
    const ps = preds.get(v.id) ?? [];
    layer.set(v.id, ps.length === 0 ? 0 : Math.max(...ps.map((p) => (layer.get(p) ?? 0) + 1)));
  }
  const layers: Item[][] = [];
  const put = (L: number, item: Item) => {
    layers[L] = [...(layers[L] ?? []), item];
  };
  for (const v of view.vertices) put(layer.get(v.id)!, { id: v.id, w: boxSize(v).w, vertex: v });
  const waypoints = new Map<Edge, string[]>();
  edges.forEach((e, i) => {
    const from = layer.get(e.from)!;
    const to = layer.get(e.to)!;
    if (e.kind === 'back_edge' || to - from < 2) return;
    const ids: string[] = [];
    for (let L = from + 1; L < to; L++) {
      const id = `~${i}.${L}`;
      // The first waypoint carries the label, so it is as wide as the label.
      const w = L === from + 1 ? Math.max(LAYOUT.lane, Math.ceil(e.label.length * 6.5) + 12) : LAYOUT.lane;
      put(L, { id, w });
      addPred(id, ids[ids.length - 1] ?? e.from);
      ids.push(id);
    }
    waypoints.set(e, ids);
  });
  orderLayers(layers, preds);
  const widths = layers.map((row) => row.reduce((s, it) => s + it.w, 0) + LAYOUT.colGap * (row.length - 1));
  const inner = Math.max(0, ...widths);
  const boxes = new Map<string, Box>();
  const points = new Map<string, { x: number; top: number; bottom: number }>();
  layers.forEach((row, L) => {
    let x = LAYOUT.margin + (inner - widths[L]!) / 2;
    const top = LAYOUT.margin + LAYOUT.title + L * (LAYOUT.rowH + LAYOUT.rowGap);
    for (const it of row) {
      if (it.vertex) {
        const { w, h } = boxSize(it.vertex);
        boxes.set(it.id, { vertex: it.vertex, layer: L, x, y: top + (LAYOUT.rowH - h) / 2, w, h });
      } else {
        points.set(it.id, { x: x + it.w / 2, top, bottom: top + LAYOUT.rowH });
      }
      x += it.w + LAYOUT.colGap;
    }
  });
  return {
    boxes,
    edges: edges.map((edge) => ({ edge, via: (waypoints.get(edge) ?? []).map((id) => points.get(id)!) })),
    width: Math.ceil(inner + 2 * LAYOUT.margin),
    height: Math.ceil(
      LAYOUT.margin * 2 + LAYOUT.title + layers.length * LAYOUT.rowH + (layers.length - 1) * LAYOUT.rowGap,
    ),
  };
}

/** Barycenter ordering: a few sweeps down then up, each item placed at the mean position of its neighbours. */
function orderLayers(layers: Item[][], preds: ReadonlyMap<string, readonly string[]>): void {
  const succs = new Map<string, string[]>();
  for (const [to, froms] of preds) for (const f of froms) succs.set(f, [...(succs.get(f) ?? []), to]);
  const position = new Map<string, number>();
  const place = (row: Item[]) => {
    row.forEach((it, i) => {
      position.set(it.id, i - (row.length - 1) / 2);
    });
  };
  const sortBy = (row: Item[], neighbours: ReadonlyMap<string, readonly string[]>) => {
    const centre = (it: Item) => {
      const ps = (neighbours.get(it.id) ?? []).filter((p) => position.has(p)).map((p) => position.get(p)!);
      return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : position.get(it.id)!;
    };
    const keyed = row.map((it) => ({ it, key: centre(it) }));
    keyed.sort((a, b) => a.key - b.key);
    row.splice(0, row.length, ...keyed.map((k) => k.it));
    place(row);
  };
  for (const row of layers) place(row);
  for (let pass = 0; pass < 4; pass++) {
    if (pass % 2 === 0) for (let L = 1; L < layers.length; L++) sortBy(layers[L]!, preds);
    else for (let L = layers.length - 2; L >= 0; L--) sortBy(layers[L]!, succs);
  }
}
