import { access, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { CompiledGraph } from '@weft/framework';
import type { Logger } from 'pino';
import { ServerError } from '../errors/server-error.js';
import { S } from '../errors/server-error-codes.js';
import { readEngineStatus } from '../metrics/engine-metrics.js';
import { GraphWatcher } from './graph-watcher.js';
import { listGraphFiles } from './list-graph-files.js';
import { type GraphLease, LoadedGraph } from './loaded-graph.js';

export type GraphState = 'loading' | 'available' | 'failed';
/** Validates and compiles one graph file (the server passes the framework's `loadGraph`). */
export type GraphLoader = (file: string) => Promise<CompiledGraph>;

export interface GraphRegistryOptions {
  readonly loader: GraphLoader;
  /** Every `*.yaml` / `*.yml` file here is served under its graph `name`. */
  readonly graphsDir?: string;
  /** Graphs listed by a config file: served under `name` (overrides the graph's own name). */
  readonly graphs?: readonly { readonly name: string; readonly path: string }[];
  /** Pick up edits without a restart (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  /** How often watched folders are checked for a lost watch (default 1000 ms). */
  readonly recheckMs?: number;
  readonly logger?: Logger;
}

/** One row of `GET /v1/config`. */
export interface GraphStatus {
  readonly name: string;
  readonly file: string;
  readonly state: GraphState;
  /** Validation or load error of the last attempt (FILE:LINE:COL lines), or null. */
  readonly lastError: string | null;
  /** Unix seconds of the serving version's load, or null. */
  readonly loadedAt: number | null;
}

export type Lookup =
  | { readonly kind: 'available'; readonly lease: GraphLease }
  | { readonly kind: 'unavailable'; readonly state: GraphState }
  | { readonly kind: 'unknown' };

interface Slot {
  readonly file: string;
  /** Name forced by the config file. */
  readonly configName: string | undefined;
  /** Name to show before any version loaded. */
  guessedName: string;
  loading: boolean;
  current: LoadedGraph | undefined;
  lastError: string | null;
  /** Reloads of one file run one after the other. */
  chain: Promise<void>;
}

export class GraphNotServableError extends ServerError {
  constructor(message: string) {
    super(S.SERVER_GRAPH_NOT_SERVABLE, message);
  }
}

/**
 * The served graphs, by model name: loads a folder and config-listed files, hot-reloads them, and
 * hands out leases so that a replaced version is disposed only after its in-flight runs finish.
 */
export class GraphRegistry {
  readonly #options: GraphRegistryOptions;
  readonly #slots = new Map<string, Slot>();
  readonly #log: Logger | undefined;
  #watcher: GraphWatcher | undefined;
  #closed = false;

  constructor(options: GraphRegistryOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  /** Loads every graph (failures are recorded, not thrown) and starts watching. */
  async start(): Promise<void> {
    const { graphsDir, graphs = [] } = this.#options;
    for (const g of graphs) this.#slotFor(resolve(g.path), g.name);
    if (graphsDir !== undefined) {
      for (const file of await listGraphFiles(graphsDir)) this.#slotFor(file, undefined);
    }
    // One after another, in file order: when two files claim the same model name, the first file
    // wins on every start (loading in parallel made the winner whichever finished first).
    for (const slot of [...this.#slots.values()]) await this.#schedule(slot);
    if (this.#options.watch !== false) {
      this.#watcher = new GraphWatcher({
        dirs: graphsDir === undefined ? [] : [resolve(graphsDir)],
        files: graphs.map((g) => resolve(g.path)),
        debounceMs: this.#options.debounceMs ?? 150,
        ...(this.#options.recheckMs !== undefined && { recheckMs: this.#options.recheckMs }),
        onChange: (file) => void this.refresh(file),
        onRescan: (dir) => this.#rescan(dir),
      });
    }
  }

  /** Re-reads one file (called by the watcher; tests may call it directly). */
  async refresh(file: string): Promise<void> {
    if (this.#closed) return;
    const absolute = resolve(file);
    const existing = this.#slots.get(absolute);
    if (existing) return this.#schedule(existing);
    if (this.#options.graphsDir !== undefined && (await fileExists(absolute))) {
      return this.#schedule(this.#slotFor(absolute, undefined));
    }
  }

  lookup(model: string): Lookup {
    let unavailable: GraphState | undefined;
    for (const slot of this.#slots.values()) {
      if (this.#nameOf(slot) !== model) continue;
      if (slot.current) return { kind: 'available', lease: slot.current.acquire() };
      unavailable = stateOf(slot);
    }
    return unavailable === undefined ? { kind: 'unknown' } : { kind: 'unavailable', state: unavailable };
  }

  /** Served models (available only), sorted by name. */
  models(): { readonly name: string; readonly loadedAt: number; readonly graph: CompiledGraph }[] {
    return [...this.#slots.values()]
      .flatMap((s) =>
        s.current ? [{ name: s.current.name, loadedAt: s.current.loadedAt, graph: s.current.graph }] : [],
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  status(): GraphStatus[] {
    return [...this.#slots.values()]
      .map((s) => ({
        name: this.#nameOf(s),
        file: s.file,
        state: stateOf(s),
        lastError: s.lastError,
        loadedAt: s.current ? s.current.loadedAt : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
  }

  /** True when every known graph has a version that can serve now (Kubernetes: ready means able to serve). */
  isReady(): boolean {
    if (this.watchProblems().length > 0) return false;
    for (const slot of this.#slots.values()) if (stateOf(slot) !== 'available') return false;
    return true;
  }

  /** Watched folders that are not watched right now (deleted, not created yet): edits would go unseen. */
  watchProblems(): string[] {
    return this.#watcher?.problems() ?? [];
  }

  /** Re-reads a folder: new files load, changed ones reload, vanished ones are removed. */
  async #rescan(dir: string): Promise<void> {
    if (this.#closed) return;
    const graphsDir = this.#options.graphsDir;
    const listed = graphsDir !== undefined && dir === resolve(graphsDir) ? await listGraphFiles(dir) : [];
    const known = [...this.#slots.values()].filter((s) => dirname(s.file) === dir).map((s) => s.file);
    await Promise.all([...new Set([...listed, ...known])].map((file) => this.refresh(file)));
  }

  /** Runs in flight on the serving versions (retired versions drain on their own). */
  inFlight(): number {
    let n = 0;
    for (const slot of this.#slots.values()) n += slot.current?.inFlight ?? 0;
    return n;
  }

  /** Stops watching and disposes every graph (in-flight runs are cancelled by the dispose). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    await Promise.all([...this.#slots.values()].map((s) => s.chain));
    const graphs = [...this.#slots.values()].flatMap((s) => (s.current ? [s.current] : []));
    this.#slots.clear();
    await Promise.all(graphs.map((g) => g.disposeNow()));
  }

  #slotFor(file: string, configName: string | undefined): Slot {
    let slot = this.#slots.get(file);
    if (!slot) {
      slot = {
        file,
        configName,
        guessedName: configName ?? basename(file).replace(/\.ya?ml$/, ''),
        loading: true,
        current: undefined,
        lastError: null,
        chain: Promise.resolve(),
      };
      this.#slots.set(file, slot);
    }
    return slot;
  }

  #nameOf(slot: Slot): string {
    return slot.configName ?? slot.current?.name ?? slot.guessedName;
  }

  #schedule(slot: Slot): Promise<void> {
    slot.chain = slot.chain.then(() => this.#reload(slot));
    return slot.chain;
  }

  async #reload(slot: Slot): Promise<void> {
    if (this.#closed) return;
    let text: string;
    try {
      text = await readFile(slot.file, 'utf8');
    } catch {
      return this.#removed(slot);
    }
    // Editors and `touch` fire events without changing anything; keep the running engine then
    // (unless it gave up restarting its worker: then a touch is how an operator asks for a fresh one).
    if (
      slot.current &&
      slot.current.text === text &&
      slot.lastError === null &&
      readEngineStatus(slot.current.graph)?.state !== 'failed'
    )
      return;
    slot.loading = true;
    const guessed = /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
    if (guessed && !slot.configName) slot.guessedName = guessed;
    let graph: CompiledGraph | undefined;
    try {
      graph = await this.#options.loader(slot.file);
      const name = slot.configName ?? graph.config.name;
      this.#checkServable(slot, name, graph);
      if (this.#closed) {
        await graph.dispose();
        return;
      }
      const next = new LoadedGraph(name, graph, text, Math.floor(Date.now() / 1000), (e) =>
        this.#log?.error({ err: e, model: name }, 'graph dispose failed'),
      );
      const previous = slot.current;
      slot.current = next;
      slot.lastError = null;
      slot.loading = false;
      this.#log?.info({ model: name, file: slot.file, reloaded: previous !== undefined }, 'graph available');
      await previous?.retire();
    } catch (error) {
      if (graph) await graph.dispose().catch(() => {});
      slot.loading = false;
      slot.lastError = error instanceof Error ? error.message : String(error);
      this.#log?.error(
        {
          model: this.#nameOf(slot),
          file: slot.file,
          error: slot.lastError,
          keptPrevious: slot.current !== undefined,
        },
        'graph failed to load',
      );
    }
  }

  #checkServable(slot: Slot, name: string, graph: CompiledGraph): void {
    const missing = [
      graph.inputStreamName('REQUEST') === undefined && 'an input_stream tagged REQUEST',
      graph.outputStreamName('RESPONSE') === undefined && 'an output_stream tagged RESPONSE',
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new GraphNotServableError(
        `${slot.file}:1:1 graph "${name}" cannot be served: it needs ${missing.join(' and ')} (example: input_stream: [REQUEST:request], output_stream: [RESPONSE:response])`,
      );
    }
    for (const other of this.#slots.values()) {
      if (other !== slot && other.current && this.#nameOf(other) === name) {
        throw new GraphNotServableError(
          `${slot.file}:1:1 model name "${name}" is already served by ${other.file}; give one of the graphs another name`,
        );
      }
    }
  }

  async #removed(slot: Slot): Promise<void> {
    const previous = slot.current;
    const name = this.#nameOf(slot);
    if (slot.configName !== undefined) {
      // A config-listed graph stays known (and makes readiness fail) until the file comes back.
      slot.current = undefined;
      slot.loading = false;
      slot.lastError = `${slot.file}:1:1 graph file not found (listed in the server config as "${slot.configName}")`;
    } else {
      this.#slots.delete(slot.file);
    }
    if (previous) this.#log?.info({ model: name, file: slot.file }, 'graph removed; no longer served');
    await previous?.retire();
    // Another file refused for claiming the same model name can serve it now.
    if (previous) {
      for (const other of this.#slots.values()) {
        if (other !== slot && !other.current && this.#nameOf(other) === name) void this.#schedule(other);
      }
    }
  }
}

function stateOf(slot: Slot): GraphState {
  if (slot.current) return 'available';
  return slot.loading ? 'loading' : 'failed';
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
