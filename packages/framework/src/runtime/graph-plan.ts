import { dirname, isAbsolute } from 'node:path';
import type { AnyCalculatorDefinition, PortSpec } from '../calculator/contract.js';
import { portSpecOf } from '../calculator/port-spec.js';
import type { NodeSpec, PortRef, ValidatedGraph } from '../graph/validated-graph.js';
import { resolveSyncSets } from './sync-sets.js';

/** `tag` → local port index by port index (`map.get('IN')[2]` is the local index of `IN:2`). */
export type PortIndex = ReadonlyMap<string, readonly number[]>;

/** A node input slot reachable from a throttled producer. */
export interface SlotRef {
  readonly node: number;
  readonly local: number;
}

/** Everything about one run-scoped node that does not change between runs. */
export interface NodePlan {
  readonly index: number;
  readonly name: string;
  readonly calculator: string;
  readonly def: AnyCalculatorDefinition;
  readonly spec: NodeSpec;
  readonly inputStreams: readonly number[];
  readonly inputLabels: readonly string[];
  readonly backEdge: readonly boolean[];
  readonly inputIndex: PortIndex;
  readonly outputStreams: readonly number[];
  readonly outputLabels: readonly string[];
  readonly outputIndex: PortIndex;
  readonly sideIn: ReadonlyMap<string, readonly string[]>;
  readonly sideInTypes: ReadonlyMap<string, PortSpec>;
  readonly sideOut: ReadonlyMap<string, readonly string[]>;
  /** Input sets: local input indexes synchronised together (one set for the default handler). */
  readonly syncSets: readonly (readonly number[])[];
  readonly offset: number | undefined;
  readonly processBounds: boolean;
  /** Immediate handler processing bounds: each input set is processed once at Timestamp.Max when it closes. */
  readonly closeAtMax: boolean;
  readonly isSource: boolean;
  /** Input side packets the node must wait for before it opens. */
  readonly sideWait: readonly string[];
  /** Non-back-edge input slots reachable downstream; used to throttle sources. */
  readonly throttleSlots: readonly SlotRef[];
}

export interface StreamPlan {
  readonly id: number;
  readonly name: string;
  readonly consumerNodes: readonly number[];
  readonly consumerLocals: readonly number[];
  /** Index in `GraphPlan.outputs` when this stream is a graph output. */
  readonly graphOutput: number;
}

export interface GraphInputPlan {
  readonly name: string;
  readonly stream: number;
  readonly throttleSlots: readonly SlotRef[];
}

/** The compiled form of a ValidatedGraph: integer ids everywhere, computed once per graph. */
export interface GraphPlan {
  readonly name: string;
  readonly dir: string | undefined;
  readonly streams: readonly StreamPlan[];
  readonly streamIds: ReadonlyMap<string, number>;
  readonly nodes: readonly NodePlan[];
  readonly graphScoped: readonly NodeSpec[];
  readonly inputs: readonly GraphInputPlan[];
  readonly inputIds: ReadonlyMap<string, number>;
  readonly outputs: readonly string[];
  readonly outputIds: ReadonlyMap<string, number>;
  readonly maxQueueSize: number | undefined;
  /** Graph input side packets that some node needs (connected to a required port). */
  readonly requiredSidePackets: readonly string[];
  readonly outputSidePackets: readonly string[];
}

function portIndex(ports: readonly PortRef[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  ports.forEach((p, local) => {
    let list = map.get(p.tag);
    if (list === undefined) {
      list = [];
      map.set(p.tag, list);
    }
    list[p.index] = local;
  });
  return map;
}

function sideIndex(ports: readonly PortRef[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of ports) {
    let list = map.get(p.tag);
    if (list === undefined) {
      list = [];
      map.set(p.tag, list);
    }
    list[p.index] = p.name;
  }
  return map;
}

export const portLabel = (p: PortRef): string =>
  p.tag === '' ? p.name : p.index === 0 ? `${p.tag}:${p.name}` : `${p.tag}:${p.index}:${p.name}`;

/** Where a validated graph lives, for calculators that resolve paths relative to it. */
function graphDir(graph: ValidatedGraph): string | undefined {
  if (graph.dir !== undefined) return graph.dir;
  return isAbsolute(graph.file) ? dirname(graph.file) : undefined;
}

export function compilePlan(graph: ValidatedGraph): GraphPlan {
  const streamIds = new Map<string, number>();
  const streamId = (name: string): number => {
    let id = streamIds.get(name);
    if (id === undefined) {
      id = streamIds.size;
      streamIds.set(name, id);
    }
    return id;
  };
  const runSpecs = graph.nodes.filter((n) => n.calculator.scope !== 'graph');
  const graphScoped = graph.nodes.filter((n) => n.calculator.scope === 'graph');
  for (const p of graph.inputStreams) streamId(p.name);
  for (const n of runSpecs) for (const p of [...n.outputs, ...n.inputs]) streamId(p.name);
  for (const p of graph.outputStreams) streamId(p.name);

  const consumers: { nodes: number[]; locals: number[] }[] = [...streamIds.keys()].map(() => ({
    nodes: [],
    locals: [],
  }));
  runSpecs.forEach((n, index) => {
    n.inputs.forEach((p, local) => {
      const c = consumers[streamIds.get(p.name)!]!;
      c.nodes.push(index);
      c.locals.push(local);
    });
  });
  const outputs = graph.outputStreams.map((p) => p.name);
  const outputIds = new Map(outputs.map((name, i) => [name, i]));
  const streams: StreamPlan[] = [...streamIds.entries()].map(([name, id]) => ({
    id,
    name,
    consumerNodes: consumers[id]!.nodes,
    consumerLocals: consumers[id]!.locals,
    graphOutput: outputIds.get(name) ?? -1,
  }));

  const reachable = (start: readonly number[]): SlotRef[] => {
    const slots: SlotRef[] = [];
    const seenNodes = new Set<number>();
    const todo = [...start];
    while (todo.length > 0) {
      const s = streams[todo.pop()!]!;
      s.consumerNodes.forEach((node, i) => {
        const local = s.consumerLocals[i]!;
        if (runSpecs[node]!.inputs[local]!.backEdge) return;
        slots.push({ node, local });
        if (seenNodes.has(node)) return;
        seenNodes.add(node);
        for (const p of runSpecs[node]!.outputs) todo.push(streamIds.get(p.name)!);
      });
    }
    return slots;
  };

  const producedInRun = new Set(runSpecs.flatMap((n) => n.outputSidePackets.map((p) => p.name)));
  const graphSide = new Set(graph.inputSidePackets.map((p) => p.name));
  const required = new Set<string>();
  const nodes: NodePlan[] = runSpecs.map((spec, index) => {
    const def = spec.calculator;
    const sideWait: string[] = [];
    for (const p of spec.inputSidePackets) {
      const optional = portSpecOf(def.inputSidePackets, p.tag)?.optional === true;
      if (!optional || producedInRun.has(p.name)) sideWait.push(p.name);
      if (!optional && graphSide.has(p.name)) required.add(p.name);
    }
    const sideInTypes = new Map<string, PortSpec>();
    for (const p of spec.inputSidePackets) {
      const portSpec = portSpecOf(def.inputSidePackets, p.tag);
      if (portSpec !== undefined) sideInTypes.set(p.name, portSpec);
    }
    const outputStreams = spec.outputs.map((p) => streamIds.get(p.name)!);
    return {
      index,
      name: spec.name,
      calculator: def.name,
      def,
      spec,
      inputStreams: spec.inputs.map((p) => streamIds.get(p.name)!),
      inputLabels: spec.inputs.map(portLabel),
      backEdge: spec.inputs.map((p) => p.backEdge === true),
      inputIndex: portIndex(spec.inputs),
      outputStreams,
      outputLabels: spec.outputs.map(portLabel),
      outputIndex: portIndex(spec.outputs),
      sideIn: sideIndex(spec.inputSidePackets),
      sideInTypes,
      sideOut: sideIndex(spec.outputSidePackets),
      sideWait,
      syncSets: resolveSyncSets(spec),
      offset: def.timestampOffset,
      processBounds: def.processTimestampBounds === true,
      closeAtMax: def.processTimestampBounds === true && spec.inputStreamHandler.handler === 'immediate',
      isSource: spec.inputs.length === 0,
      throttleSlots: spec.inputs.length === 0 ? reachable(outputStreams) : [],
    };
  });

  const inputs: GraphInputPlan[] = graph.inputStreams.map((p) => {
    const stream = streamIds.get(p.name)!;
    return { name: p.name, stream, throttleSlots: reachable([stream]) };
  });
  return {
    name: graph.name,
    dir: graphDir(graph),
    streams,
    streamIds,
    nodes,
    graphScoped,
    inputs,
    inputIds: new Map(inputs.map((g, i) => [g.name, i])),
    outputs,
    outputIds,
    maxQueueSize: graph.maxQueueSize,
    requiredSidePackets: [...required],
    outputSidePackets: graph.outputSidePackets.map((p) => p.name),
  };
}
