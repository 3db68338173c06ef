import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const isGraphFileName = (name: string): boolean => /\.ya?ml$/.test(name) && !name.startsWith('.');

/** Absolute paths of the graph files directly inside `dir`, sorted; a missing folder has none. */
export async function listGraphFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && isGraphFileName(e.name))
      .map((e) => join(resolve(dir), e.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
