import { type GraphView, subgraphGroups, type Vertex } from './graph-view.js';

const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function attrs(v: Vertex): string {
  switch (v.kind) {
    case 'node':
      return `label=${q(`${v.label}\n${v.sublabel ?? ''}`).replace(/\n/g, '\\n')}`;
    case 'input':
    case 'output':
      return `label=${q(v.label)}, shape=ellipse, style=filled, fillcolor="#e8f4ff"`;
    default:
      return `label=${q(v.label)}, shape=hexagon, style=filled, fillcolor="#fff4e0"`;
  }
}

/** Graphviz DOT: back edges dashed (and not used for ranking), side packets dotted with hollow heads. */
export function renderDot(view: GraphView): string {
  const lines = [
    `digraph ${q(view.title)} {`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const v of view.vertices) lines.push(`  ${v.id} [${attrs(v)}];`);
  [...subgraphGroups(view)].forEach(([name, ids], i) => {
    lines.push(`  subgraph cluster_${i} { label=${q(name)}; style=dashed; ${ids.join('; ')}; }`);
  });
  for (const e of view.edges) {
    const style =
      e.kind === 'back_edge'
        ? ', style=dashed, constraint=false'
        : e.kind === 'side_packet'
          ? ', style=dotted, arrowhead=odot, color="#d98e04"'
          : '';
    lines.push(`  ${e.from} -> ${e.to} [label=${q(e.label)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
