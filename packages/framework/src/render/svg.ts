import type { GraphView } from './graph-view.js';
import { type Box, LAYOUT, layoutGraph, type RoutedEdge } from './layout.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => String(Math.round(v * 10) / 10);

function shape(b: Box): string {
  const { x, y, w, h, vertex: v } = b;
  const cx = x + w / 2;
  if (v.kind === 'node') {
    return [
      `<rect class="node" x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="6"/>`,
      `<text class="name" x="${n(cx)}" y="${n(y + 19)}">${esc(v.label)}</text>`,
      `<text class="calc" x="${n(cx)}" y="${n(y + 36)}">${esc(v.sublabel ?? '')}</text>`,
    ].join('');
  }
  const label = `<text class="io-label" x="${n(cx)}" y="${n(y + h / 2 + 4)}">${esc(v.label)}</text>`;
  if (v.kind === 'input' || v.kind === 'output') {
    return `<rect class="io" x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="${n(h / 2)}"/>${label}`;
  }
  const k = 10;
  const pts = [
    [x + k, y],
    [x + w - k, y],
    [x + w, y + h / 2],
    [x + w - k, y + h],
    [x + k, y + h],
    [x, y + h / 2],
  ];
  return `<polygon class="side" points="${pts.map(([a, b]) => `${n(a!)},${n(b!)}`).join(' ')}"/>${label}`;
}

/** Vertical-tangent curves from one layer to the next, straight down through each crossed layer. */
function forwardPath(x1: number, y1: number, via: RoutedEdge['via'], x2: number, y2: number): string {
  const curve = (ax: number, ay: number, bx: number, by: number) => {
    const dy = (by - ay) / 2;
    return ` C${n(ax)},${n(ay + dy)} ${n(bx)},${n(by - dy)} ${n(bx)},${n(by)}`;
  };
  let d = `M${n(x1)},${n(y1)}`;
  let x = x1;
  let y = y1;
  for (const p of via) {
    d += `${curve(x, y, p.x, p.top)} V${n(p.bottom)}`;
    x = p.x;
    y = p.bottom;
  }
  return d + curve(x, y, x2, y2);
}

/**
 * A standalone SVG picture (no Graphviz needed): nodes as boxes in topological layers, graph
 * streams as pills, side packets as hexagons; streams are solid arrows, back edges dashed arrows
 * looping on the right, side packets dotted orange arrows.
 */
export function renderSvg(view: GraphView): string {
  const { boxes, edges, height } = layoutGraph(view);
  const right = Math.max(
    0,
    ...[...boxes.values()].map((b) => b.x + b.w),
    ...edges.flatMap((e) => e.via.map((p) => p.x + LAYOUT.lane)),
  );
  let backs = 0;
  const parts: string[] = [];
  const pairCount = new Map<string, number>();
  for (const { edge: e, via } of edges) {
    const a = boxes.get(e.from)!;
    const b = boxes.get(e.to)!;
    const k = pairCount.get(`${e.from}>${e.to}`) ?? 0;
    pairCount.set(`${e.from}>${e.to}`, k + 1);
    let d: string;
    let lx: number;
    let ly: number;
    if (e.kind === 'back_edge' || b.layer <= a.layer) {
      // Loops go round the right of every box: down out of the source, along the inter-layer gaps,
      // up a lane of their own, and into the target from above, so they never cross a box.
      const lane = right + 24 + 18 * backs;
      const gap = 10 + 4 * (backs % 4);
      const x1 = a.x + a.w * 0.75;
      const x2 = b.x + b.w * 0.75;
      d = `M${n(x1)},${n(a.y + a.h)} V${n(a.y + a.h + gap)} H${n(lane)} V${n(b.y - gap)} H${n(x2)} V${n(b.y)}`;
      lx = lane + 6;
      ly = (a.y + a.h + b.y) / 2;
      backs++;
    } else {
      const x1 = a.x + a.w / 2 + 10 * k;
      const y1 = a.y + a.h;
      const x2 = b.x + b.w / 2 + 10 * k;
      const y2 = b.y;
      d = forwardPath(x1, y1, via, x2, y2);
      const first = via[0];
      // Long edges are labelled in their own lane (the first waypoint).
      // Short ones a little past halfway, where arrows fanning out of one box have spread apart.
      lx = first ? first.x : x1 + (x2 - x1) * 0.7;
      ly = first ? (first.top + first.bottom) / 2 + 4 : y1 + (y2 - y1) * 0.6 + 4 + 12 * k;
    }
    const marker = e.kind === 'side_packet' ? 'side-head' : 'head';
    parts.push(
      `<g class="edge ${e.kind.replace('_', '-')}"><path d="${d}" marker-end="url(#${marker})"/><text x="${n(lx)}" y="${n(ly)}">${esc(e.label)}</text></g>`,
    );
  }
  const width = Math.ceil(
    Math.max(
      right + 24,
      ...edges
        .filter(
          ({ edge }) => edge.kind === 'back_edge' || boxes.get(edge.to)!.layer <= boxes.get(edge.from)!.layer,
        )
        .map(({ edge }, k) => right + 24 + 18 * k + 8 + edge.label.length * 6.5),
    ) + 24,
  );
  for (const b of boxes.values())
    parts.push(`<g class="vertex ${b.vertex.kind.replace('_', '-')}">${shape(b)}</g>`);
  const style = [
    'text{font-family:Helvetica,Arial,sans-serif;text-anchor:middle}',
    '.title{font-size:15px;font-weight:bold;text-anchor:start}',
    '.node{fill:#fff;stroke:#333;stroke-width:1.2}',
    '.name{font-size:13px;font-weight:bold}',
    '.calc{font-size:11px;fill:#555;font-style:italic}',
    '.io{fill:#e8f4ff;stroke:#4a90d9}',
    '.side{fill:#fff4e0;stroke:#d98e04}',
    '.io-label{font-size:12px}',
    '.edge path{fill:none;stroke:#444;stroke-width:1.3}',
    '.edge text{font-size:11px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px}',
    '.back-edge path{stroke-dasharray:6 4}',
    '.back-edge text{text-anchor:start}',
    '.side-packet path{stroke:#d98e04;stroke-dasharray:2 3}',
  ].join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<style>${style}</style>`,
    '<defs>',
    '<marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker>',
    '<marker id="side-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"><circle cx="5" cy="5" r="4" fill="#fff" stroke="#d98e04" stroke-width="1.5"/></marker>',
    '</defs>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text class="title" x="24" y="30">${esc(view.title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
