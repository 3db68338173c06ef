import type { StructuralTag } from '@mlc-ai/web-xgrammar';

/**
 * What a request constrains its output to, as plain data (it travels in the job, so any constraint
 * calculator can read it): any JSON object (`json_object`), JSON valid against a schema
 * (`json_schema`), or XGrammar structural tags (tool calls, see `tools/tool-grammar.ts`).
 */
export type ConstraintSpec =
  | { readonly kind: 'json_object' }
  | { readonly kind: 'json_schema'; readonly schema: Readonly<Record<string, unknown>> }
  | { readonly kind: 'structural_tag'; readonly tag: StructuralTag };

/** The cache key of a spec: equal specs compile once. */
export function specKey(spec: ConstraintSpec): string {
  return JSON.stringify(spec);
}
