import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isGraphFileName } from './list-graph-files.js';

export interface GraphWatcherOptions {
  /** Folders whose graph files are all watched (new files included). */
  readonly dirs: readonly string[];
  /** Single files (watched through their folder, since editors replace files by renaming). */
  readonly files: readonly string[];
  readonly debounceMs: number;
  /** How often a folder's watch is checked and, when lost (folder deleted, recreated, created late), renewed. */
  readonly recheckMs?: number;
  readonly onChange: (file: string) => void;
  /** Re-read everything in `dir`: its watch was (re)established, or a ConfigMap swapped its `..data` link. */
  readonly onRescan: (dir: string) => Promise<void>;
}

interface Watched {
  readonly dir: string;
  readonly all: boolean;
  readonly names: ReadonlySet<string>;
  watcher: FSWatcher | undefined;
  /** Inode of the folder the watcher is on (a recreated folder has another). */
  ino: number | undefined;
  /** A rescan after a renewed watch is under way: until it has found the files, not ready. */
  rescanning: boolean;
}

/**
 * Calls `onChange(file)` once per burst of file-system events on a watched graph file. Watching
 * folders rather than files survives save-by-rename and lets removed files be noticed. A watch
 * dies silently when its folder is deleted, and cannot start on a folder that does not exist yet:
 * every `recheckMs` each folder is checked, and a lost watch is renewed (with a rescan, since
 * changes were missed meanwhile). `problems()` says which folders are not watched right now.
 */
export class GraphWatcher {
  readonly #watched: Watched[] = [];
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #recheck: NodeJS.Timeout;

  constructor(private readonly options: GraphWatcherOptions) {
    const byDir = new Map<string, { all: boolean; names: Set<string> }>();
    for (const dir of options.dirs) byDir.set(dir, { all: true, names: new Set() });
    for (const file of options.files) {
      const entry = byDir.get(dirname(file)) ?? { all: false, names: new Set<string>() };
      entry.names.add(basename(file));
      byDir.set(dirname(file), entry);
    }
    for (const [dir, { all, names }] of byDir) {
      const entry: Watched = { dir, all, names, watcher: undefined, ino: undefined, rescanning: false };
      this.#watched.push(entry);
      this.#attach(entry);
    }
    this.#recheck = setInterval(() => this.#checkAll(), options.recheckMs ?? 1000);
    this.#recheck.unref();
  }

  /** Folders not watched right now (missing, or the watch could not start), as sentences. */
  problems(): string[] {
    return this.#watched
      .filter((w) => w.watcher === undefined || w.rescanning)
      .map(
        (w) => `graphs folder ${w.dir} is not watched (it does not exist or cannot be read); waiting for it`,
      );
  }

  #attach(entry: Watched): boolean {
    const ino = inodeOf(entry.dir);
    if (ino === undefined) return false;
    try {
      const watcher = watch(entry.dir, { persistent: false }, (_event, name) => {
        if (name === null) return;
        const file = String(name);
        // A ConfigMap update swaps the `..data` link: every file behind it may have changed.
        if (file.startsWith('..')) this.#debounce(`rescan:${entry.dir}`, () => this.#rescan(entry));
        else if (entry.names.has(file) || (entry.all && isGraphFileName(file))) {
          const path = join(entry.dir, file);
          this.#debounce(path, () => this.options.onChange(path));
        }
      });
      const lost = () => {
        if (entry.watcher === watcher) entry.watcher = undefined;
      };
      watcher.on('error', lost);
      watcher.on('close', lost);
      entry.watcher = watcher;
      entry.ino = ino;
      return true;
    } catch {
      return false;
    }
  }

  #checkAll(): void {
    for (const entry of this.#watched) {
      const ino = inodeOf(entry.dir);
      if (entry.watcher !== undefined && ino === entry.ino) continue;
      entry.watcher?.close();
      entry.watcher = undefined;
      if (ino === undefined) {
        // Gone: what it served is gone too (the rescan removes those graphs).
        if (entry.ino !== undefined) this.#rescan(entry);
        entry.ino = undefined;
        continue;
      }
      if (this.#attach(entry)) this.#rescan(entry);
    }
  }

  #rescan(entry: Watched): void {
    entry.rescanning = true;
    void this.options.onRescan(entry.dir).finally(() => {
      entry.rescanning = false;
    });
  }

  #debounce(key: string, run: () => void): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        run();
      }, this.options.debounceMs),
    );
  }

  close(): void {
    clearInterval(this.#recheck);
    for (const w of this.#watched) w.watcher?.close();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}

function inodeOf(dir: string): number | undefined {
  try {
    const s = statSync(dir);
    return s.isDirectory() ? s.ino : undefined;
  } catch {
    return undefined;
  }
}
