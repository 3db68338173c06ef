import type { StructuralTagFormat, TagFormat } from '@mlc-ai/web-xgrammar';
import type { ConstraintSpec } from '../grammar/constraint-spec.js';
import { FORMAT_TEXT } from './tool-formats.js';
import type { ToolSetup } from './tool-types.js';

/**
 * The constraint of a request with tools (XGrammar structural tags), as vLLM and OVMS build it:
 * `required` → one or more calls (one when `parallel_tool_calls` is false) and nothing else; a named
 * choice → exactly one call of that tool; `auto` → free text (or `text`, the response_format's
 * constraint) in which a call, once its trigger is written, is constrained to a declared tool and
 * arguments valid for it; `none` → no tool constraint. In every call the arguments follow the
 * tool's `parameters` schema.
 */
export function toolConstraint(
  setup: ToolSetup,
  text: ConstraintSpec | undefined,
): ConstraintSpec | undefined {
  const { choice, format, parallel } = setup;
  if (choice === 'none') return text;
  const f = FORMAT_TEXT[format];
  const tools = typeof choice === 'object' ? setup.tools.filter((t) => t.name === choice.name) : setup.tools;
  const calls = (withTrigger: boolean): TagFormat[] =>
    tools.map((t) => ({
      type: 'tag',
      begin: (withTrigger && format === 'mistral' ? `${f.trigger}[` : '') + f.begin(t.name),
      content: { type: 'json_schema', json_schema: t.parameters as Record<string, unknown> },
      end: f.end + (withTrigger && format === 'mistral' ? ']' : ''),
    }));
  const forced = choice === 'required' || typeof choice === 'object';
  if (forced) {
    const list: StructuralTagFormat = {
      type: 'tags_with_separator',
      tags: calls(false),
      separator: f.separator,
      at_least_one: true,
      stop_after_first: !parallel || typeof choice === 'object',
    };
    const format_: StructuralTagFormat =
      format === 'mistral'
        ? {
            type: 'sequence',
            elements: [
              { type: 'const_string', value: `${f.trigger}[` },
              list,
              { type: 'const_string', value: ']' },
            ],
          }
        : list;
    return { kind: 'structural_tag', tag: { type: 'structural_tag', format: format_ } };
  }
  const triggered: StructuralTagFormat = {
    type: 'triggered_tags',
    triggers: [f.trigger],
    tags: calls(true),
    at_least_one: false,
    stop_after_first: !parallel,
  };
  if (!text) return { kind: 'structural_tag', tag: { type: 'structural_tag', format: triggered } };
  // With a response format, the answer is either that JSON or tool calls.
  const answer: StructuralTagFormat =
    text.kind === 'json_schema'
      ? { type: 'json_schema', json_schema: text.schema as Record<string, unknown> }
      : text.kind === 'json_object'
        ? { type: 'json_schema', json_schema: { type: 'object' } }
        : text.tag.format;
  const forcedCalls = toolConstraint({ ...setup, choice: 'required' }, undefined) as {
    tag: { format: StructuralTagFormat };
  };
  return {
    kind: 'structural_tag',
    tag: { type: 'structural_tag', format: { type: 'or', elements: [answer, forcedCalls.tag.format] } },
  };
}
