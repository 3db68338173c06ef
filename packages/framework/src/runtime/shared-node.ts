import type { Calculator, CalculatorContext } from '../calculator/contract.js';
import { portSpecOf } from '../calculator/port-spec.js';
import { R } from '../errors/runtime-codes.js';
import type { NodeSpec } from '../graph/validated-graph.js';
import type { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import { GraphRunError, RunError } from './run-errors.js';
import { checkValue } from './type-check.js';

/**
 * A graph-scoped node (`scope: 'graph'`): opened once when the graph is created, its output side
 * packets shared by every run, closed by `dispose()`. It has no streams; its context only offers
 * options and side packets.
 */
export class SharedNode implements CalculatorContext {
  readonly nodeName: string;
  readonly calculatorName: string;
  readonly options: Record<string, unknown>;
  inputTimestamp: Timestamp = Timestamp.Unstarted;
  readonly #calc: Calculator;
  #opened = false;

  constructor(
    readonly spec: NodeSpec,
    readonly sidePackets: Map<string, unknown>,
    readonly signal: AbortSignal,
    readonly graphDir: string | undefined,
    readonly graphName: string,
  ) {
    this.nodeName = spec.name;
    this.calculatorName = spec.calculator.name;
    this.options = spec.options as Record<string, unknown>;
    this.#calc = spec.calculator.create();
  }

  async open(): Promise<void> {
    for (const p of this.spec.inputSidePackets) {
      const portSpec = portSpecOf(this.spec.calculator.inputSidePackets, p.tag);
      if (!this.sidePackets.has(p.name)) {
        if (portSpec?.optional === true) continue;
        throw new GraphRunError(
          this,
          'open',
          new RunError(
            R.MISSING_SIDE_PACKET,
            `side packet "${p.name}" is not available when the graph loads`,
          ),
          this.graphName,
        );
      }
      const why =
        portSpec === undefined ? undefined : checkValue(portSpec.type, this.sidePackets.get(p.name));
      if (why !== undefined) {
        throw new GraphRunError(
          this,
          'open',
          new RunError(R.SIDE_PACKET_TYPE, `side packet "${p.name}" must be ${portSpec!.type.name}: ${why}`),
          this.graphName,
        );
      }
    }
    try {
      await this.#calc.open?.(this);
      this.#opened = true;
    } catch (error) {
      throw new GraphRunError(this, 'open', error, this.graphName);
    }
  }

  async close(): Promise<void> {
    if (!this.#opened) return;
    this.#opened = false;
    this.inputTimestamp = Timestamp.Done;
    try {
      await this.#calc.close?.(this);
    } catch (error) {
      throw new GraphRunError(this, 'close', error, this.graphName);
    }
  }

  #noStreams(): never {
    throw new RunError(
      R.PORT_NOT_CONNECTED,
      `node "${this.nodeName}" (${this.calculatorName}) is graph-scoped and has no streams; it may only use side packets`,
    );
  }

  input(): Packet<any> | undefined {
    return this.#noStreams();
  }

  inputCount(): number {
    return 0;
  }

  inputBound(): Timestamp {
    return this.#noStreams();
  }

  output(): never {
    return this.#noStreams();
  }

  outputCount(): number {
    return 0;
  }

  inputTags(): readonly string[] {
    return [];
  }

  outputTags(): readonly string[] {
    return [];
  }

  sidePacketTags(): readonly string[] {
    return [...new Set(this.spec.inputSidePackets.map((p) => p.tag))];
  }

  #sideName(ports: NodeSpec['inputSidePackets'], tag: string, index: number): string {
    const port = ports.find((p) => p.tag === tag && p.index === index);
    if (port === undefined) {
      throw new RunError(
        R.PORT_NOT_CONNECTED,
        `node "${this.nodeName}" (${this.calculatorName}) has no side packet "${tag || '(untagged)'}:${index}"`,
      );
    }
    return port.name;
  }

  sidePacket(tag: string, index = 0): any {
    return this.sidePackets.get(this.#sideName(this.spec.inputSidePackets, tag, index));
  }

  hasSidePacket(tag: string, index = 0): boolean {
    const port = this.spec.inputSidePackets.find((p) => p.tag === tag && p.index === index);
    return port !== undefined && this.sidePackets.has(port.name);
  }

  setOutputSidePacket(tag: string, value: unknown, index = 0): void {
    const connected = this.spec.outputSidePackets.some((p) => p.tag === tag && p.index === index);
    if (!connected && portSpecOf(this.spec.calculator.outputSidePackets, tag) !== undefined) return;
    const name = this.#sideName(this.spec.outputSidePackets, tag, index);
    if (this.sidePackets.has(name)) {
      throw new RunError(
        R.SIDE_PACKET_TWICE,
        `node "${this.nodeName}" (${this.calculatorName}) set side packet "${name}" twice; a side packet is set once`,
      );
    }
    this.sidePackets.set(name, value);
  }
}
