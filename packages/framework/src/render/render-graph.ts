import type { ValidatedGraph } from '../graph/validated-graph.js';
import { renderDot } from './dot.js';
import { graphView } from './graph-view.js';
import { renderMermaid } from './mermaid.js';
import { renderSvg } from './svg.js';

export const RENDER_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

/** Draws a validated graph as Mermaid (default), Graphviz DOT, or a standalone SVG. */
export function renderGraph(graph: ValidatedGraph, format: RenderFormat = 'mermaid'): string {
  const view = graphView(graph);
  switch (format) {
    case 'mermaid':
      return renderMermaid(view);
    case 'dot':
      return renderDot(view);
    case 'svg':
      return renderSvg(view);
  }
}
