import type { AnyCalculatorDefinition, PortMap } from '../calculator/contract.js';
import { V } from '../errors/validation-codes.js';
import type { NodeSpec, PortRef, Problem, SourceLocation } from '../graph/validated-graph.js';
import { checkHandler } from '../validate/handler.js';
import { checkNodePorts } from '../validate/node-ports.js';
import { validateOptions } from '../validate/options.js';
import type { BuildScope } from './build-scope.js';
import { type GraphSource, handlerConfig, portTexts } from './graph-source.js';
import { parsePortList } from './ports.js';
import type { RawNode } from './raw-graph.js';

export interface NodePorts {
  inputs: PortRef[];
  outputs: PortRef[];
  inputSidePackets: PortRef[];
  outputSidePackets: PortRef[];
}

/** Parses a node's four port lists and applies `input_stream_info` back-edge marks. */
export function nodePorts(
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

export function buildNode(
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
  for (const rule of def.validatePorts?.(ports) ?? []) {
    problems.push({
      code: V.PORT_RULE,
      message: `${who}: ${rule.message}`,
      location: rule.port?.location ?? location,
    });
  }
  const before = problems.length;
  const options = validateOptions(
    def,
    node.options,
    name,
    { source: source.yaml, path: ['nodes', i, 'options'] },
    problems,
  );
  // Option rules assume options that match the schema (types checked, defaults applied).
  if (!problems.slice(before).some((p) => p.code === V.INVALID_OPTIONS)) {
    for (const rule of def.validateOptions?.(options as never, ports) ?? []) {
      problems.push({
        code: V.INVALID_OPTIONS,
        message: `options of node "${name}" (${def.name}): ${rule.message}`,
        location: source.yaml.locate(['nodes', i, 'options', ...(rule.path ?? [])]),
      });
    }
  }
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
