import { isAbsolute, resolve } from 'node:path';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { suggest } from '../errors/did-you-mean.js';
import { V } from '../errors/validation-codes.js';
import type { NodeSpec, Problem, SourceLocation } from '../graph/validated-graph.js';
import { buildNode, nodePorts } from './build-node.js';
import type { BuildScope, BuiltGraph, GraphIo } from './build-scope.js';
import { type GraphSource, handlerConfig, portTexts, readGraphFile } from './graph-source.js';
import { assignNodeNames } from './node-names.js';
import { parsePortList } from './ports.js';
import { expandSubgraph, unresolved } from './subgraph.js';
import { loadCalculatorModules } from './user-modules.js';

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
  await loadCalculatorModules(modules, dir, registry, problems, parent.moduleRoots);
  const subgraphs = await registerSubgraphs(source, dir, registry, parent, problems);
  const scope: BuildScope = {
    registry,
    subgraphs,
    handler: handlerConfig(raw.input_stream_handler) ?? parent.handler,
    stack: parent.stack,
    moduleRoots: parent.moduleRoots,
    maxGraphBytes: parent.maxGraphBytes,
  };
  const ports = (key: 'input_stream' | 'output_stream' | 'input_side_packet' | 'output_side_packet') =>
    parsePortList(portTexts(yaml, [key], raw[key]), `graph ${key}`, problems);
  const io: GraphIo = {
    inputStreams: ports('input_stream'),
    outputStreams: ports('output_stream'),
    inputSidePackets: ports('input_side_packet'),
    outputSidePackets: ports('output_side_packet'),
  };
  const names = assignNodeNames(raw.nodes, yaml, problems);
  const nodes: NodeSpec[] = [];
  const nameLocations = new Map<NodeSpec, SourceLocation>();
  for (let i = 0; i < raw.nodes.length; i++) {
    const node = raw.nodes[i];
    if (node === undefined) continue; // unusable after a schema problem, already reported
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
    // A node with a schema problem lost some fields: checking its contract would report their absence.
    if ((def === undefined && subFile === undefined) || source.tainted.has(i)) {
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

/** Reads `subgraphs:` and registers each file under its graph name. */
async function registerSubgraphs(
  source: GraphSource,
  dir: string,
  registry: CalculatorRegistry,
  parent: BuildScope,
  problems: Problem[],
): Promise<Map<string, string>> {
  const map = new Map(parent.subgraphs);
  const list = source.raw.subgraphs ?? [];
  for (let i = 0; i < list.length; i++) {
    const location = source.yaml.locate(['subgraphs', i]);
    const file = resolve(dir, list[i]!);
    const read = await readGraphFile(file, location, parent.maxGraphBytes);
    problems.push(...read.problems);
    if (!read.source) continue;
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
