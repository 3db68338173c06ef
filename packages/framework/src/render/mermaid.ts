import type { GraphView, Vertex } from './graph-view.js';

// Mermaid has no escape for quotes inside labels; it uses HTML entity codes like #quot;.
const text = (s: string): string => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

function shape(v: Vertex): string {
  const label = v.sublabel ? `${text(v.label)}<br/><i>${text(v.sublabel)}</i>` : text(v.label);
  switch (v.kind) {
    case 'node':
      return `${v.id}["${label}"]`;
    case 'input':
    case 'output':
      return `${v.id}(["${label}"])`;
    default:
      return `${v.id}{{"${label}"}}`;
  }
}

/**
 * Mermaid flowchart: nodes as boxes, graph streams as stadiums, side packets as hexagons; streams
 * are solid arrows, back edges dotted, side packets thick.
 */
export function renderMermaid(view: GraphView): string {
  const lines = ['flowchart TD', `  %% ${view.title}`];
  for (const v of view.vertices) lines.push(`  ${shape(v)}`);
  for (const e of view.edges) {
    const arrow = e.kind === 'back_edge' ? '-.->' : e.kind === 'side_packet' ? '==>' : '-->';
    lines.push(`  ${e.from} ${arrow}|"${text(e.label)}"| ${e.to}`);
  }
  const io = view.vertices.filter((v) => v.kind === 'input' || v.kind === 'output').map((v) => v.id);
  const side = view.vertices
    .filter((v) => v.kind === 'side_input' || v.kind === 'side_output')
    .map((v) => v.id);
  lines.push('  classDef io fill:#e8f4ff,stroke:#4a90d9');
  lines.push('  classDef side fill:#fff4e0,stroke:#d98e04');
  if (io.length) lines.push(`  class ${io.join(',')} io`);
  if (side.length) lines.push(`  class ${side.join(',')} side`);
  return `${lines.join('\n')}\n`;
}
