import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Graph files end in .yaml/.yml; dot names (`..data`, editor temp files) are never graphs. */
export const isGraphFileName = (name: string): boolean => /\.ya?ml$/.test(name) && !name.startsWith('.');

/**
 * Absolute paths of the graph files directly inside `dir`, sorted; a missing folder has none.
 * Symbolic links to files count (a Kubernetes ConfigMap mounts `graph.yaml -> ..data/graph.yaml`).
 */
export async function listGraphFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const e of entries) {
    if (!isGraphFileName(e.name)) continue;
    const file = join(resolve(dir), e.name);
    if (e.isFile() || (e.isSymbolicLink() && (await isFileTarget(file)))) files.push(file);
  }
  return files.sort();
}

async function isFileTarget(link: string): Promise<boolean> {
  try {
    return (await stat(link)).isFile();
  } catch {
    return false; // a dangling link is no graph (yet)
  }
}
