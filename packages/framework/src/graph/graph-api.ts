import type { CalculatorRegistry } from '../calculator/registry.js';
import type { Packet } from '../packet/packet.js';
import type { Timestamp } from '../timestamp/timestamp.js';
import type { ValidatedGraph } from './validated-graph.js';

export interface LoadOptions {
  /** Where calculator names are looked up; defaults to `defaultRegistry`. Graph `calculators:` modules register into a child of it. */
  readonly registry?: CalculatorRegistry;
  /**
   * Confines `calculators:` paths: when set, a module must lie (symlinks followed) inside the graph
   * file's folder or one of these folders, else it is refused (`WEFT_ERR_MODULE_NOT_ALLOWED`) without
   * being imported. Unset: any path is imported (a graph is code; CLI tools trust the file given).
   */
  readonly moduleRoots?: readonly string[];
  /**
   * Largest graph (or subgraph) file read, in bytes (default 256 KiB); a larger one is refused with
   * `WEFT_ERR_GRAPH_TOO_LARGE` before it is parsed.
   */
  readonly maxGraphBytes?: number;
}

export interface StartOptions {
  /** Graph input side packets by name. */
  readonly sidePackets?: Readonly<Record<string, unknown>>;
  /** Cancels the run when aborted. */
  readonly signal?: AbortSignal;
  /** Record per-packet trace events (for Chrome trace export); implies `timing`. */
  readonly trace?: boolean;
  /**
   * Measure the duration of every open/process/close call for `stats()` (`totalMs`, `maxMs`).
   * Off by default: two clock reads per call are a sizeable share of a light node's cost.
   */
  readonly timing?: boolean;
  /**
   * Check every packet against the type of the port that produces it (graph inputs: the ports that
   * consume it); a mismatch fails the run (`WEFT_ERR_PACKET_TYPE`). A debugging aid, on by default in
   * `CalculatorRunner`; side packets are always checked.
   */
  readonly checkTypes?: boolean;
  /**
   * Called synchronously for every packet of every graph output stream, in the order produced
   * (across streams). Cheaper than `output()` iterables and keeps the global order (the CLI uses it).
   */
  readonly onOutput?: (stream: string, packet: Packet) => void;
  /**
   * Back-pressure from the reader of `output()`: when a graph output stream holds this many
   * packets not yet read, no node of the run is scheduled until the reader takes one (calls in
   * flight finish). Packets read are dropped, so a run's output memory stays bounded; each stream
   * then has one reader, and `outputPackets()` shows only the unread packets. A stream nobody reads
   * pauses the run for good (cancel it). Default: unbounded, every packet kept.
   */
  readonly maxBufferedOutput?: number;
  /**
   * Called synchronously, in the same global order as `onOutput`, whenever the next timestamp bound
   * of a graph output stream advances without a packet (a packet's own bound is implied by it);
   * `Timestamp.Done` when the stream ends. MediaPipe's output observers with timestamp bounds.
   */
  readonly onOutputBound?: (stream: string, bound: Timestamp) => void;
}

export interface NodeStats {
  readonly node: string;
  readonly calculator: string;
  readonly processCalls: number;
  readonly packetsOut: number;
  /** Time spent in open/process/close (wall time until an async call settles); 0 unless started with `timing` or `trace`. */
  readonly totalMs: number;
  readonly maxMs: number;
}

/** One execution of a compiled graph. Cheap to start; state is isolated per run. */
export interface GraphRun {
  /** Feeds a graph input stream; resolves once accepted (waits while the graph's queue is full). */
  addPacket(stream: string, value: unknown, timestamp: Timestamp): Promise<void>;
  /** Promises no packet below `bound` on a graph input stream. */
  setInputBound(stream: string, bound: Timestamp): void;
  closeInput(stream: string): void;
  closeAllInputs(): void;
  /** Packets of a graph output stream, in order, buffered from the start of the run. Ends when the stream closes; throws the run's error. */
  output<T = unknown>(stream: string): AsyncIterable<Packet<T>>;
  /**
   * Next timestamp bound of a graph output stream: no packet below it will come (timestamps below
   * it without a packet are settled as empty). `Timestamp.Done` once the stream has ended.
   */
  outputBound(stream: string): Timestamp;
  /** The packets of a graph output stream produced so far (a snapshot; tests, CLIs). */
  outputPackets<T = unknown>(stream: string): readonly Packet<T>[];
  /** Value of a graph output side packet once set. */
  outputSidePacket(name: string): unknown;
  /** Resolves when every node has closed; rejects with GraphRunError. */
  done(): Promise<void>;
  cancel(reason?: unknown): void;
  stats(): NodeStats[];
  /** Chrome trace events (when started with `trace: true`). */
  traceEvents(): readonly object[];
}

/** A validated graph ready to run many times. */
export interface CompiledGraph {
  readonly config: ValidatedGraph;
  start(options?: StartOptions): GraphRun;
  /** Output side packets of graph-scoped nodes and the graph's output_side_packet, by name. */
  sharedSidePacket(name: string): unknown;
  /** Graph input/output stream name for a tag (`REQUEST` → `request`), undefined when absent. */
  inputStreamName(tag: string, index?: number): string | undefined;
  outputStreamName(tag: string, index?: number): string | undefined;
  /** Closes graph-scoped nodes (shared resources). Runs in flight are cancelled (and waited for up to 1 s). */
  dispose(): Promise<void>;
}

/** Terminal input/output used by CLI commands, so they can be tested in-process. */
export interface CliIo {
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}
