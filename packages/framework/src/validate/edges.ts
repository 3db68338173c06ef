import type { PortMap } from '../calculator/contract.js';
import { portSpecOf } from '../calculator/port-spec.js';
import type { GraphIo } from '../config/build-scope.js';
import { formatPort } from '../config/ports.js';
import { suggest } from '../errors/did-you-mean.js';
import { V } from '../errors/validation-codes.js';
import type { NodeSpec, PortRef, Problem } from '../graph/validated-graph.js';

interface Producer {
  readonly port: PortRef;
  /** Undefined for graph inputs. */
  readonly node: NodeSpec | undefined;
  readonly type: string;
}

const typeOf = (ports: PortMap | undefined, tag: string): string =>
  portSpecOf(ports, tag)?.type.name ?? 'any';
const by = (p: Producer): string =>
  p.node ? `node "${p.node.name}" (${formatPort(p.port)})` : `the graph input "${formatPort(p.port)}"`;
const at = (p: PortRef): string => `line ${p.location.line}`;

/**
 * Checks every edge of the expanded graph: one producer per stream and side packet, every consumed
 * name produced, matching types, and graph-scoped nodes fed only by graph-scoped side packets.
 */
export function checkEdges(graph: GraphIo, nodes: readonly NodeSpec[], problems: Problem[]): void {
  const streams = producers(
    graph.inputStreams,
    nodes,
    (n) => n.outputs,
    (n) => n.calculator.outputs,
    V.STREAM_PRODUCED_TWICE,
    'stream',
    problems,
  );
  const sides = producers(
    graph.inputSidePackets,
    nodes,
    (n) => n.outputSidePackets,
    (n) => n.calculator.outputSidePackets,
    V.SIDE_PACKET_PRODUCED_TWICE,
    'side packet',
    problems,
  );
  const streamNames = [...streams.keys()];
  const sideNames = [...sides.keys()];
  for (const node of nodes) {
    for (const port of node.inputs) {
      const from = streams.get(port.name);
      if (!from) {
        problems.push({
          code: V.STREAM_NOT_PRODUCED,
          message: `node "${node.name}" reads stream "${port.name}" (${formatPort(port)}), which no node produces and which is not a graph input_stream${hint(port.name, streamNames)}`,
          location: port.location,
        });
        continue;
      }
      checkType(from, typeOf(node.calculator.inputs, port.tag), node, port, 'stream', problems);
    }
    for (const port of node.inputSidePackets) {
      const from = sides.get(port.name);
      if (!from) {
        problems.push({
          code: V.UNKNOWN_SIDE_PACKET,
          message: `node "${node.name}" reads side packet "${port.name}" (${formatPort(port)}), which no node produces and which is not a graph input_side_packet${hint(port.name, sideNames, 'input_side_packet')}`,
          location: port.location,
        });
        continue;
      }
      checkType(
        from,
        typeOf(node.calculator.inputSidePackets, port.tag),
        node,
        port,
        'side packet',
        problems,
      );
      if (node.calculator.scope === 'graph' && from.node?.calculator.scope !== 'graph') {
        problems.push({
          code: V.GRAPH_SCOPED_NODE,
          message: `node "${node.name}" is graph-scoped (opens once when the graph loads) but reads side packet "${port.name}" from ${by(from)}, which exists only per run; use options, or a side packet of another graph-scoped node`,
          location: port.location,
        });
      }
    }
  }
  checkProduced(graph.outputStreams, 'output_stream', streams, streamNames, V.STREAM_NOT_PRODUCED, problems);
  checkProduced(
    graph.outputSidePackets,
    'output_side_packet',
    sides,
    sideNames,
    V.UNKNOWN_SIDE_PACKET,
    problems,
  );
}

/** Every graph output must be produced by some node (or pass a graph input straight through). */
function checkProduced(
  outputs: readonly PortRef[],
  key: 'output_stream' | 'output_side_packet',
  produced: ReadonlyMap<string, Producer>,
  names: readonly string[],
  code: string,
  problems: Problem[],
): void {
  for (const port of outputs) {
    if (produced.has(port.name)) continue;
    problems.push({
      code,
      message: `graph ${key} "${port.name}" (${formatPort(port)}) is not produced by any node${hint(port.name, names)}`,
      location: port.location,
    });
  }
}

function hint(name: string, known: readonly string[], declare = 'input_stream'): string {
  const s = suggest(name, known);
  return s.startsWith(' (did you mean')
    ? s
    : ` (produce it with a node output, or declare it in the graph's ${declare})`;
}

function producers(
  graphInputs: readonly PortRef[],
  nodes: readonly NodeSpec[],
  outputsOf: (n: NodeSpec) => readonly PortRef[],
  contractOf: (n: NodeSpec) => PortMap | undefined,
  twiceCode: string,
  noun: string,
  problems: Problem[],
): Map<string, Producer> {
  const map = new Map<string, Producer>();
  const add = (p: Producer) => {
    const first = map.get(p.port.name);
    if (first) {
      problems.push({
        code: twiceCode,
        message: `${noun} "${p.port.name}" is produced by ${by(p)} and already by ${by(first)} at ${at(first.port)}; every ${noun} has exactly one producer (rename one of them)`,
        location: p.port.location,
      });
      return;
    }
    map.set(p.port.name, p);
  };
  for (const port of graphInputs) add({ port, node: undefined, type: 'any' });
  for (const node of nodes) {
    for (const port of outputsOf(node)) add({ port, node, type: typeOf(contractOf(node), port.tag) });
  }
  return map;
}

function checkType(
  from: Producer,
  want: string,
  node: NodeSpec,
  port: PortRef,
  noun: string,
  problems: Problem[],
): void {
  if (from.type === want || from.type === 'any' || want === 'any') return;
  problems.push({
    code: V.TYPE_MISMATCH,
    message: `${noun} "${port.name}": node "${node.name}" (${node.calculator.name}) reads ${formatPort(port)} as ${want}, but ${by(from)} produces ${from.type}; types must be equal or one of them "any" (insert a converting calculator or fix the connection)`,
    location: port.location,
  });
}
