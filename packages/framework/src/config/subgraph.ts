import { basename, dirname } from 'node:path';
import type { AnyCalculatorDefinition, PortMap, PortSpec } from '../calculator/contract.js';
import { t } from '../calculator/port-type.js';
import { V } from '../errors/validation-codes.js';
import type { NodeSpec, PortRef, Problem, SourceLocation } from '../graph/validated-graph.js';
import { checkNodePorts } from '../validate/node-ports.js';
import type { NodePorts } from './build-node.js';
import type { BuildScope, BuiltGraph, GraphIo } from './build-scope.js';
import { type GraphSource, readGraphFile } from './graph-source.js';
import type { YamlPath } from './yaml-source.js';

/** A node whose calculator is a subgraph. */
export interface SubgraphUse {
  readonly name: string;
  /** Absolute path of the subgraph file. */
  readonly file: string;
  readonly ports: NodePorts;
  readonly location: SourceLocation;
  readonly calcLocation: SourceLocation;
  readonly options: unknown;
  readonly optionsPath: YamlPath;
}

/** Separator between a subgraph node's name and its inner names (`outer__inner`). */
const SUBGRAPH_SEPARATOR = '__';

/**
 * The contract a subgraph offers to the node using it: its graph-level ports by tag. Inputs and input
 * side packets are required; outputs may be left unconnected.
 */
function subgraphContract(
  io: GraphIo,
): Record<'inputs' | 'outputs' | 'inputSidePackets' | 'outputSidePackets', PortMap> {
  const map = (ports: readonly PortRef[], optional: boolean): PortMap => {
    const out: Record<string, PortSpec> = {};
    for (const p of ports) {
      out[p.tag] = { type: t.any(), optional, multiple: ports.filter((q) => q.tag === p.tag).length > 1 };
    }
    return out;
  };
  return {
    inputs: map(io.inputStreams, false),
    outputs: map(io.outputStreams, true),
    inputSidePackets: map(io.inputSidePackets, false),
    outputSidePackets: map(io.outputSidePackets, true),
  };
}

type Build = (source: GraphSource, dir: string, scope: BuildScope) => Promise<BuiltGraph>;

/**
 * Expands one subgraph node into the subgraph's nodes: inner node names become `node__inner`, inner
 * streams and side packets bound to the subgraph's ports take the outer names (matched by tag and
 * index), the others are prefixed like node names. Inner problems keep the subgraph file's lines.
 * Undefined when the subgraph cannot be read or includes itself (reported as a problem).
 */
export async function expandSubgraph(
  use: SubgraphUse,
  including: GraphSource,
  scope: BuildScope,
  problems: Problem[],
  build: Build,
): Promise<[NodeSpec, SourceLocation][] | undefined> {
  if (scope.stack.includes(use.file)) {
    const chain = [...scope.stack.slice(scope.stack.indexOf(use.file)), use.file].map((f) => rel(f));
    problems.push({
      code: V.SUBGRAPH,
      message: `node "${use.name}" includes subgraph "${rel(use.file)}" recursively (${chain.join(' → ')}); a subgraph cannot contain itself`,
      location: use.calcLocation,
    });
    return undefined;
  }
  const read = await readGraphFile(use.file, use.calcLocation, scope.maxGraphBytes);
  problems.push(...read.problems);
  if (!read.source) return undefined;
  const inner = await build(read.source, dirname(use.file), { ...scope, stack: [...scope.stack, use.file] });
  const who = `node "${use.name}" (subgraph "${read.source.name}")`;
  const contract = subgraphContract(inner.io);
  checkNodePorts('input_stream', use.ports.inputs, contract.inputs, who, use.location, problems);
  checkNodePorts('output_stream', use.ports.outputs, contract.outputs, who, use.location, problems);
  checkNodePorts(
    'input_side_packet',
    use.ports.inputSidePackets,
    contract.inputSidePackets,
    who,
    use.location,
    problems,
  );
  checkNodePorts(
    'output_side_packet',
    use.ports.outputSidePackets,
    contract.outputSidePackets,
    who,
    use.location,
    problems,
  );
  if (use.options !== undefined && Object.keys(use.options as object).length > 0) {
    problems.push({
      code: V.SUBGRAPH,
      message: `${who} is given options, but subgraphs take none; remove \`options\` (configure the subgraph's own nodes in ${rel(use.file)})`,
      location: including.yaml.locate(use.optionsPath),
    });
  }
  const streams = bind(
    inner.io.inputStreams,
    use.ports.inputs,
    bind(inner.io.outputStreams, use.ports.outputs),
  );
  const sides = bind(
    inner.io.inputSidePackets,
    use.ports.inputSidePackets,
    bind(inner.io.outputSidePackets, use.ports.outputSidePackets),
  );
  const backEdges = new Set(
    inner.io.inputStreams
      .filter((p) => use.ports.inputs.some((o) => o.backEdge && same(o, p)))
      .map((p) => p.name),
  );
  const prefix = `${use.name}${SUBGRAPH_SEPARATOR}`;
  const rename = (map: Map<string, string>) => (p: PortRef) => ({
    ...p,
    name: map.get(p.name) ?? prefix + p.name,
  });
  // Inputs the node leaves unbound were reported as missing ports; a stand-in producer keeps their
  // inner readers from reporting them again as never produced.
  const unbound = (ports: readonly PortRef[], map: Map<string, string>) =>
    ports.filter((p) => !map.has(p.name)).map(rename(map));
  const standIn = unresolved(
    'unbound subgraph inputs',
    `${prefix}unbound`,
    {
      inputs: [],
      outputs: unbound(inner.io.inputStreams, streams),
      inputSidePackets: [],
      outputSidePackets: unbound(inner.io.inputSidePackets, sides),
    },
    use.location,
  );
  const missing: [NodeSpec, SourceLocation][] =
    standIn.outputs.length + standIn.outputSidePackets.length > 0 ? [[standIn, use.location]] : [];
  const expanded = inner.nodes.map((n): [NodeSpec, SourceLocation] => {
    const spec: NodeSpec = {
      ...n,
      name: prefix + n.name,
      inputs: n.inputs.map((p) => {
        const r = rename(streams)(p);
        return backEdges.has(p.name) ? { ...r, backEdge: true } : r;
      }),
      outputs: n.outputs.map(rename(streams)),
      inputSidePackets: n.inputSidePackets.map(rename(sides)),
      outputSidePackets: n.outputSidePackets.map(rename(sides)),
    };
    return [spec, inner.nameLocations.get(n) ?? n.location];
  });
  return [...missing, ...expanded];
}

/**
 * Stands in for a node whose calculator or subgraph could not be resolved (already a problem): its
 * outputs still count as produced, so readers downstream do not get follow-on errors.
 */
export function unresolved(
  calculator: string,
  name: string,
  ports: NodePorts,
  location: SourceLocation,
): NodeSpec {
  const def: AnyCalculatorDefinition = {
    name: calculator,
    description: 'unresolved',
    create: () => {
      throw new Error(`calculator "${calculator}" was not resolved`);
    },
  };
  return {
    name,
    calculator: def,
    options: {},
    ...ports,
    inputStreamHandler: { handler: 'default' },
    location,
  };
}

const same = (a: PortRef, b: PortRef): boolean => a.tag === b.tag && a.index === b.index;

/** Inner name → outer name for each subgraph port the node connects. */
function bind(
  inner: readonly PortRef[],
  outer: readonly PortRef[],
  into = new Map<string, string>(),
): Map<string, string> {
  for (const p of inner) {
    const o = outer.find((q) => same(p, q));
    if (o) into.set(p.name, o.name);
  }
  return into;
}

// File names only: enough to recognise the files in a message, and stable across machines.
const rel = (f: string): string => basename(f);
