import { isAbsolute, resolve } from 'node:path';
import type { AnyCalculatorDefinition, InputStreamHandlerConfig, PortMap } from '../calculator/contract.js';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { suggest } from '../errors/did-you-mean.js';
import { V } from '../errors/validation-codes.js';
import type { NodeSpec, PortRef, Problem, SourceLocation } from '../graph/validated-graph.js';
import { checkHandler } from '../validate/handler.js';
import { checkNodePorts } from '../validate/node-ports.js';
import { validateOptions } from '../validate/options.js';
import { type GraphSource, handlerConfig, portTexts, type RawNode, readGraphFile } from './graph-source.js';
import { assignNodeNames } from './node-names.js';
import { parsePortList } from './ports.js';
import { expandSubgraph, unresolved } from './subgraph.js';
import { loadCalculatorModules } from './user-modules.js';

export interface GraphIo {
  readonly inputStreams: readonly PortRef[];
  readonly outputStreams: readonly PortRef[];
  readonly inputSidePackets: readonly PortRef[];
  readonly outputSidePackets: readonly PortRef[];
}

/** What a graph file inherits from the file that includes it. */
export interface BuildScope {
  readonly registry: CalculatorRegistry;
  /** Subgraph name → absolute file. */
  readonly subgraphs: ReadonlyMap<string, string>;
  readonly handler: InputStreamHandlerConfig | undefined;
  /** Absolute files being expanded, outermost first (to refuse recursive inclusion). */
  readonly stack: readonly string[];
}

export interface BuiltGraph {
  readonly io: GraphIo;
  readonly nodes: NodeSpec[];
  readonly handler: InputStreamHandlerConfig;
  /** Location of each node's `name:` value (or of the node when generated), for duplicate reports. */
  readonly nameLocations: Map<NodeSpec, SourceLocation>;
}

const looksLikePath = (s: string): boolean =>
  /\.ya?ml$/i.test(s) || s.startsWith('./') || s.startsWith('../') || isAbsolute(s);

/** Builds the flat node list of one graph file (subgraphs expanded, names not yet prefixed). */
export async function buildGraph(
  source: GraphSource,
  dir: string,
  parent: BuildScope,
  problems: Problem[],
): Promise<BuiltGraph> {
  const { yaml, raw } = source;
  const registry =
    raw.calculators?.length || raw.subgraphs?.length ? parent.registry.extend() : parent.registry;
  const modules = (raw.calculators ?? []).map((spec, i) => ({
    spec,
    location: yaml.locate(['calculators', i]),
  }));
  await loadCalculatorModules(modules, dir, registry, problems);
  const subgraphs = await registerSubgraphs(source, dir, registry, parent.subgraphs, problems);
  const scope: BuildScope = {
    registry,
    subgraphs,
    handler: handlerConfig(raw.input_stream_handler) ?? parent.handler,
    stack: parent.stack,
  };
  const io: GraphIo = {
    inputStreams: parsePortList(
      portTexts(yaml, ['input_stream'], raw.input_stream),
      'graph input_stream',
      problems,
    ),
    outputStreams: parsePortList(
      portTexts(yaml, ['output_stream'], raw.output_stream),
      'graph output_stream',
      problems,
    ),
    inputSidePackets: parsePortList(
      portTexts(yaml, ['input_side_packet'], raw.input_side_packet),
      'graph input_side_packet',
      problems,
    ),
    outputSidePackets: parsePortList(
      portTexts(yaml, ['output_side_packet'], raw.output_side_packet),
      'graph output_side_packet',
      problems,
    ),
  };
  const names = assignNodeNames(raw.nodes, yaml, problems);
  const nodes: NodeSpec[] = [];
  const nameLocations = new Map<NodeSpec, SourceLocation>();
  for (let i = 0; i < raw.nodes.length; i++) {
    const node = raw.nodes[i]!;
    const name = names[i]!.name;
    const path = ['nodes', i] as const;
    const location = yaml.locate(path);
    const calcLocation = yaml.locate([...path, 'calculator']);
    const def = registry.get(node.calculator);
    const subFile =
      def === undefined
        ? (subgraphs.get(node.calculator) ??
          (looksLikePath(node.calculator) ? resolve(dir, node.calculator) : undefined))
        : undefined;
    if (def === undefined && subFile === undefined) {
      problems.push({
        code: V.UNKNOWN_CALCULATOR,
        message: `node "${name}": unknown calculator "${node.calculator}"; a calculator must be registered, loaded by \`calculators:\` or be a subgraph${suggest(node.calculator, [...registry.names(), ...subgraphs.keys()]).replace(/ \(expected.*$/, '')}`,
        location: calcLocation,
      });
    }
    const who = def
      ? `node "${name}" (${def.name})`
      : `node "${name}" (${subFile ? 'subgraph ' : ''}${node.calculator})`;
    const ports = nodePorts(source, i, node, who, problems);
    if (def === undefined && subFile === undefined) {
      nodes.push(unresolved(node.calculator, name, ports, location));
      continue;
    }
    if (def) {
      const spec = buildNode(def, name, node, ports, location, source, i, scope, who, problems);
      nodes.push(spec);
      nameLocations.set(spec, names[i]!.location);
      continue;
    }
    const expanded = await expandSubgraph(
      {
        name,
        file: subFile!,
        ports,
        location,
        calcLocation,
        options: node.options,
        optionsPath: [...path, 'options'],
      },
      source,
      scope,
      problems,
      (sub, subDir, subScope) => buildGraph(sub, subDir, subScope, problems),
    );
    if (expanded === undefined) {
      nodes.push(unresolved(node.calculator, name, ports, location));
      continue;
    }
    for (const [spec, loc] of expanded) {
      nodes.push(spec);
      nameLocations.set(spec, loc);
    }
  }
  return { io, nodes, handler: scope.handler ?? { handler: 'default' }, nameLocations };
}

export interface NodePorts {
  inputs: PortRef[];
  outputs: PortRef[];
  inputSidePackets: PortRef[];
  outputSidePackets: PortRef[];
}

/** Parses a node's four port lists and applies `input_stream_info` back-edge marks. */
function nodePorts(
  source: GraphSource,
  i: number,
  node: RawNode,
  who: string,
  problems: Problem[],
): NodePorts {
  const { yaml } = source;
  const list = (field: 'input_stream' | 'output_stream' | 'input_side_packet' | 'output_side_packet') =>
    parsePortList(portTexts(yaml, ['nodes', i, field], node[field]), `${who} ${field}`, problems);
  let inputs = list('input_stream');
  (node.input_stream_info ?? []).forEach((info, j) => {
    const m = /^([A-Z_][A-Z0-9_]*)?(?::(0|[1-9][0-9]*))?$/.exec(info.tag_index);
    const tag = m?.[1] ?? '';
    const index = Number(m?.[2] ?? 0);
    const target = m ? inputs.find((p) => p.tag === tag && p.index === index) : undefined;
    if (!target) {
      const have = inputs.map((p) => (p.tag === '' ? `:${p.index}` : `${p.tag}:${p.index}`));
      problems.push({
        code: V.BACK_EDGE,
        message: `${who} input_stream_info tag_index "${info.tag_index}" names no input port of this node; use \`TAG\`, \`TAG:index\` or \`:index\` of one of its input_stream entries${have.length ? ` (${have.join(', ')})` : ' (it has none)'}`,
        location: yaml.locate(['nodes', i, 'input_stream_info', j, 'tag_index']),
      });
      return;
    }
    if (info.back_edge) inputs = inputs.map((p) => (p === target ? { ...p, backEdge: true } : p));
  });
  return {
    inputs,
    outputs: list('output_stream'),
    inputSidePackets: list('input_side_packet'),
    outputSidePackets: list('output_side_packet'),
  };
}

function buildNode(
  def: AnyCalculatorDefinition,
  name: string,
  node: RawNode,
  ports: NodePorts,
  location: SourceLocation,
  source: GraphSource,
  i: number,
  scope: BuildScope,
  who: string,
  problems: Problem[],
): NodeSpec {
  const contract: Record<string, PortMap | undefined> = {
    input_stream: def.inputs,
    output_stream: def.outputs,
    input_side_packet: def.inputSidePackets,
    output_side_packet: def.outputSidePackets,
  };
  checkNodePorts('input_stream', ports.inputs, contract.input_stream, who, location, problems);
  checkNodePorts('output_stream', ports.outputs, contract.output_stream, who, location, problems);
  checkNodePorts(
    'input_side_packet',
    ports.inputSidePackets,
    contract.input_side_packet,
    who,
    location,
    problems,
  );
  checkNodePorts(
    'output_side_packet',
    ports.outputSidePackets,
    contract.output_side_packet,
    who,
    location,
    problems,
  );
  const options = validateOptions(
    def,
    node.options,
    name,
    { source: source.yaml, path: ['nodes', i, 'options'] },
    problems,
  );
  const handler =
    handlerConfig(node.input_stream_handler) ??
    (def.inputStreamHandler
      ? { handler: def.inputStreamHandler }
      : (scope.handler ?? { handler: 'default' }));
  checkHandler(
    handler,
    ports.inputs,
    who,
    source.yaml.locate(['nodes', i, 'input_stream_handler']),
    problems,
  );
  if (def.scope === 'graph') {
    const streams = [...ports.inputs, ...ports.outputs];
    if (streams.length > 0) {
      problems.push({
        code: V.GRAPH_SCOPED_NODE,
        message: `${who} is graph-scoped (opens once when the graph loads) and cannot have streams, but "${streams[0]!.name}" is connected; pass data to it through side packets and take its output side packets`,
        location: streams[0]!.location,
      });
    }
  }
  return { name, calculator: def, options, ...ports, inputStreamHandler: handler, location };
}

/** Reads `subgraphs:` and registers each file under its graph name. */
async function registerSubgraphs(
  source: GraphSource,
  dir: string,
  registry: CalculatorRegistry,
  inherited: ReadonlyMap<string, string>,
  problems: Problem[],
): Promise<Map<string, string>> {
  const map = new Map(inherited);
  const list = source.raw.subgraphs ?? [];
  for (let i = 0; i < list.length; i++) {
    const location = source.yaml.locate(['subgraphs', i]);
    const file = resolve(dir, list[i]!);
    const read = await readGraphFile(file, location);
    if (!read.source) {
      problems.push(...read.problems);
      continue;
    }
    const name = read.source.name;
    const other = map.get(name);
    if (registry.has(name) || (other !== undefined && other !== file)) {
      problems.push({
        code: V.DUPLICATE_CALCULATOR,
        message: `subgraph "${name}" from "${list[i]}" clashes with ${registry.has(name) ? 'a registered calculator' : `the subgraph from "${other}"`} of the same name; give the subgraph another \`name:\``,
        location,
      });
      continue;
    }
    map.set(name, file);
  }
  return map;
}
