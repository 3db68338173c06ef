import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isGraphFileName } from './list-graph-files.js';

export interface GraphWatcherOptions {
  /** Folders whose graph files are all watched (new files included). */
  readonly dirs: readonly string[];
  /** Single files (watched through their folder, since editors replace files by renaming). */
  readonly files: readonly string[];
  readonly debounceMs: number;
  readonly onChange: (file: string) => void;
}

/**
 * Calls `onChange(file)` once per burst of file-system events on a watched graph file. Watching
 * folders rather than files survives save-by-rename and lets removed files be noticed.
 */
export class GraphWatcher {
  readonly #watchers: FSWatcher[] = [];
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: GraphWatcherOptions) {
    const byDir = new Map<string, { all: boolean; names: Set<string> }>();
    for (const dir of options.dirs) byDir.set(dir, { all: true, names: new Set() });
    for (const file of options.files) {
      const entry = byDir.get(dirname(file)) ?? { all: false, names: new Set<string>() };
      entry.names.add(basename(file));
      byDir.set(dirname(file), entry);
    }
    for (const [dir, { all, names }] of byDir) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null) return;
          const file = String(name);
          if (names.has(file) || (all && isGraphFileName(file))) this.#bump(join(dir, file));
        });
        watcher.on('error', () => {});
        this.#watchers.push(watcher);
      } catch {
        // A folder that does not exist yet cannot be watched; its graphs are simply not reloaded.
      }
    }
  }

  #bump(file: string): void {
    clearTimeout(this.#timers.get(file));
    this.#timers.set(
      file,
      setTimeout(() => {
        this.#timers.delete(file);
        this.options.onChange(file);
      }, this.options.debounceMs),
    );
  }

  close(): void {
    for (const w of this.#watchers) w.close();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
