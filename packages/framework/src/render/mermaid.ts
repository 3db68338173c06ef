import { type GraphView, subgraphGroups, type Vertex } from './graph-view.js';

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
 * are solid arrows, back edges dotted, side packets thick; expanded subgraphs are boxed groups.
 */
export function renderMermaid(view: GraphView): string {
  const lines = ['flowchart TD', `  %% ${view.title}`];
  const groups = subgraphGroups(view);
  const grouped = new Set([...groups.values()].flat());
  for (const v of view.vertices) if (!grouped.has(v.id)) lines.push(`  ${shape(v)}`);
  [...groups].forEach(([name, ids], i) => {
    lines.push(`  subgraph sg${i}["${text(name)}"]`);
    for (const id of ids) lines.push(`    ${shape(view.vertices.find((v) => v.id === id)!)}`);
    lines.push('  end');
  });
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
