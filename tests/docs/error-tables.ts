import type { ErrorCodeEntry } from '@weft/framework';

/**
 * Where each package's error table lives. docs/errors.md has one section per entry, in this order.
 * A package (or an export) that does not exist yet is skipped, so add yours here when you create it.
 */
export const errorTableSources: readonly {
  package: string;
  exportName: string;
  load: () => Promise<object>;
}[] = [
  { package: '@weft/framework', exportName: 'frameworkErrorCodes', load: () => import('@weft/framework') },
  {
    package: '@weft/calculators',
    exportName: 'calculatorsErrorCodes',
    load: () => import('@weft/calculators'),
  },
  { package: '@weft/onnx', exportName: 'onnxErrorCodes', load: () => import('@weft/onnx') },
  { package: '@weft/llm', exportName: 'llmErrorCodes', load: () => import('@weft/llm') },
  { package: '@weft/server', exportName: 'serverErrorCodes', load: () => import('@weft/server') },
];

/** The tables that exist now. */
export async function loadErrorTables(): Promise<{ package: string; entries: readonly ErrorCodeEntry[] }[]> {
  const tables: { package: string; entries: readonly ErrorCodeEntry[] }[] = [];
  for (const source of errorTableSources) {
    let mod: Record<string, unknown>;
    try {
      mod = (await source.load()) as Record<string, unknown>;
    } catch {
      continue;
    }
    const entries = mod[source.exportName];
    if (Array.isArray(entries))
      tables.push({ package: source.package, entries: entries as ErrorCodeEntry[] });
  }
  return tables;
}
