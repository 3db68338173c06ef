import type { CalculatorContext } from '../calculator/contract.js';
import { portSpecOf } from '../calculator/port-spec.js';
import { R } from '../errors/runtime-codes.js';
import type { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import type { NodePlan } from './graph-plan.js';
import { NodeInputs } from './node-inputs.js';
import { OutputPort, type PortOwner } from './output-port.js';
import { RunError } from './run-errors.js';
import type { Phase, RunHost } from './run-host.js';

/**
 * What a calculator sees of its node in one run. The run's node object *is* the context (see
 * RunNode), so a process call allocates nothing; port lookups are one Map read and an array index.
 */
export abstract class NodeContext implements CalculatorContext, PortOwner {
  readonly nodeName: string;
  readonly calculatorName: string;
  readonly options: Record<string, unknown>;
  readonly graphDir: string | undefined;
  inputTimestamp: Timestamp = Timestamp.Unstarted;
  phase: Phase = 'open';
  readonly inputs: NodeInputs;
  readonly outputs: OutputPort[];

  constructor(
    readonly plan: NodePlan,
    readonly run: RunHost,
  ) {
    this.nodeName = plan.name;
    this.calculatorName = plan.calculator;
    this.options = plan.spec.options as Record<string, unknown>;
    this.graphDir = run.plan.dir;
    this.inputs = new NodeInputs(plan, run.plan.maxQueueSize ?? 0);
    this.outputs = plan.outputStreams.map(
      (s, i) =>
        new OutputPort(
          this,
          run,
          s,
          plan.outputLabels[i]!,
          portSpecOf(plan.def.outputs, plan.spec.outputs[i]!.tag)?.type,
        ),
    );
  }

  get signal(): AbortSignal {
    return this.run.signal;
  }

  /** Packets added to any of the node's outputs. */
  get packetsOut(): number {
    let n = 0;
    for (const out of this.outputs) n += out.packetsOut;
    return n;
  }

  input(tag: string, index = 0): Packet<any> | undefined {
    const local = this.plan.inputIndex.get(tag)?.[index];
    if (local === undefined) throw this.#portError('input', tag, index, this.plan.inputIndex);
    return this.inputs.current[local];
  }

  inputBound(tag: string, index = 0): Timestamp {
    const local = this.plan.inputIndex.get(tag)?.[index];
    if (local === undefined) throw this.#portError('input', tag, index, this.plan.inputIndex);
    return this.inputs.seenThrough(local);
  }

  inputCount(tag: string): number {
    return this.plan.inputIndex.get(tag)?.length ?? 0;
  }

  inputTags(): readonly string[] {
    return [...this.plan.inputIndex.keys()];
  }

  output(tag: string, index = 0): OutputPort {
    const local = this.plan.outputIndex.get(tag)?.[index];
    if (local === undefined) throw this.#portError('output', tag, index, this.plan.outputIndex);
    return this.outputs[local]!;
  }

  outputCount(tag: string): number {
    return this.plan.outputIndex.get(tag)?.length ?? 0;
  }

  outputTags(): readonly string[] {
    return [...this.plan.outputIndex.keys()];
  }

  sidePacket(tag: string, index = 0): any {
    const name = this.plan.sideIn.get(tag)?.[index];
    if (name === undefined) throw this.#portError('input side packet', tag, index, this.plan.sideIn);
    if (!this.run.sidePackets.has(name)) {
      throw new RunError(
        R.MISSING_SIDE_PACKET,
        `node "${this.nodeName}" (${this.calculatorName}): side packet "${name}" (${tag || 'untagged'}:${index}) is optional and was not given; check hasSidePacket() first`,
      );
    }
    return this.run.sidePackets.get(name);
  }

  sidePacketTags(): readonly string[] {
    return [...this.plan.sideIn.keys()];
  }

  hasSidePacket(tag: string, index = 0): boolean {
    const name = this.plan.sideIn.get(tag)?.[index];
    return name !== undefined && this.run.sidePackets.has(name);
  }

  setOutputSidePacket(tag: string, value: unknown, index = 0): void {
    const name = this.plan.sideOut.get(tag)?.[index];
    if (name === undefined) {
      // Declared but left unconnected: nobody wants the value (ports have no "is connected" query).
      if (portSpecOf(this.plan.def.outputSidePackets, tag) !== undefined) return;
      throw this.#portError('output side packet', tag, index, this.plan.sideOut);
    }
    this.run.setSidePacket(name, value, this);
  }

  #portError(
    kind: string,
    tag: string,
    index: number,
    ports: ReadonlyMap<string, readonly unknown[]>,
  ): RunError {
    const known = [...ports.entries()].flatMap(([t, list]) =>
      list.map((_, i) => `${t || '(untagged)'}:${i}`),
    );
    return new RunError(
      R.PORT_NOT_CONNECTED,
      `node "${this.nodeName}" (${this.calculatorName}) has no ${kind} "${tag || '(untagged)'}:${index}"; connected: ${known.length > 0 ? known.join(', ') : 'none'} (use inputCount/outputCount/hasSidePacket for optional ports)`,
    );
  }

  /** Timestamp used by `add(value)` without a timestamp. */
  defaultOutputTimestamp(port: OutputPort): Timestamp {
    if (this.plan.isSource && this.phase === 'process') {
      // Sources have no input timestamp: continue from the stream's bound, starting at 0.
      return Math.max(port.nextTimestampBound, 0);
    }
    if (Timestamp.isRangeValue(this.inputTimestamp)) return this.inputTimestamp + (this.plan.offset ?? 0);
    throw new RunError(
      R.TIMESTAMP_INVALID,
      `node "${this.nodeName}" (${this.calculatorName}) output "${port.label}": add(value) needs a timestamp in ${this.phase} (there is no input timestamp); pass one: add(value, ts)`,
    );
  }
}
