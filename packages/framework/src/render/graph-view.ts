import type { PortRef, ValidatedGraph } from '../graph/validated-graph.js';

export type VertexKind = 'node' | 'input' | 'output' | 'side_input' | 'side_output';
export type EdgeKind = 'stream' | 'back_edge' | 'side_packet';

export interface Vertex {
  /** Safe identifier for every output format (`n0`, `gi0`...). */
  readonly id: string;
  readonly kind: VertexKind;
  /** First line: node name or stream / side packet name. */
  readonly label: string;
  /** Second line for nodes: the calculator. */
  readonly sublabel?: string;
}

/**
 * Subgraph instances, from expanded node names (`outer__inner`): group name → vertex ids, in order.
 * Only the outermost level is grouped.
 */
export function subgraphGroups(view: GraphView): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const v of view.vertices) {
    const at = v.kind === 'node' ? v.label.indexOf('__') : -1;
    if (at <= 0) continue;
    const group = v.label.slice(0, at);
    groups.set(group, [...(groups.get(group) ?? []), v.id]);
  }
  return groups;
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly kind: EdgeKind;
}

/** A graph as boxes and arrows, shared by the Mermaid, DOT and SVG renderers. */
export interface GraphView {
  readonly title: string;
  readonly vertices: readonly Vertex[];
  readonly edges: readonly Edge[];
}

const portLabel = (p: PortRef): string => (p.tag === '' ? p.name : `${p.tag}:${p.name}`);

/**
 * Builds the view: graph inputs/outputs and side packets become their own vertices, node ports
 * become edges labelled with the stream name (and the consumer's tag when it differs from the name).
 */
export function graphView(graph: ValidatedGraph): GraphView {
  const vertices: Vertex[] = [];
  const edges: Edge[] = [];
  const streamFrom = new Map<string, string>();
  const sideFrom = new Map<string, string>();
  graph.inputStreams.forEach((p, i) => {
    vertices.push({ id: `gi${i}`, kind: 'input', label: portLabel(p) });
    streamFrom.set(p.name, `gi${i}`);
  });
  graph.inputSidePackets.forEach((p, i) => {
    vertices.push({ id: `si${i}`, kind: 'side_input', label: portLabel(p) });
    sideFrom.set(p.name, `si${i}`);
  });
  graph.nodes.forEach((n, i) => {
    vertices.push({ id: `n${i}`, kind: 'node', label: n.name, sublabel: n.calculator.name });
    for (const p of n.outputs) if (!streamFrom.has(p.name)) streamFrom.set(p.name, `n${i}`);
    for (const p of n.outputSidePackets) if (!sideFrom.has(p.name)) sideFrom.set(p.name, `n${i}`);
  });
  graph.nodes.forEach((n, i) => {
    for (const p of n.inputs) {
      const from = streamFrom.get(p.name);
      if (from) edges.push({ from, to: `n${i}`, label: p.name, kind: p.backEdge ? 'back_edge' : 'stream' });
    }
    for (const p of n.inputSidePackets) {
      const from = sideFrom.get(p.name);
      if (from) edges.push({ from, to: `n${i}`, label: p.name, kind: 'side_packet' });
    }
  });
  graph.outputStreams.forEach((p, i) => {
    vertices.push({ id: `go${i}`, kind: 'output', label: portLabel(p) });
    const from = streamFrom.get(p.name);
    if (from) edges.push({ from, to: `go${i}`, label: p.name, kind: 'stream' });
  });
  graph.outputSidePackets.forEach((p, i) => {
    vertices.push({ id: `so${i}`, kind: 'side_output', label: portLabel(p) });
    const from = sideFrom.get(p.name);
    if (from) edges.push({ from, to: `so${i}`, label: p.name, kind: 'side_packet' });
  });
  return { title: graph.name, vertices, edges };
}
