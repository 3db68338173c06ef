import { defineCalculator, describeCalculator } from '@weft/framework';
import { ToolCallParser } from '../tools/tool-call-parser.js';
import { type ChoiceDelta, type GenerationJob, llmTypes } from './llm-packets.js';

/**
 * Reads tool calls out of each choice's text (hermes `<tool_call>`, Llama 3 JSON, Mistral
 * `[TOOL_CALLS]`: the job's `tools.format`) and passes the rest on as content. Markup never reaches
 * the content, not even half a tag; calls stream as OpenAI streams them (id and name first, then
 * the arguments in pieces). A choice that called tools ends with `tool_calls` (a named
 * `tool_choice` keeps `stop`, as OpenAI does); one cut by `max_tokens` keeps `length`. Requests
 * without tools, or with `tool_choice: none`, pass through untouched.
 *
 * Example config:
 * ```yaml
 * - calculator: ToolCallParserCalculator
 *   input_stream: [JOB:job, DELTAS:text_deltas]
 *   output_stream: [DELTAS:deltas]
 * ```
 */
export const ToolCallParserCalculator = defineCalculator({
  name: 'ToolCallParserCalculator',
  description: describeCalculator(
    'Parses tool calls (hermes, llama3_json, mistral) out of the generated text into OpenAI tool_calls deltas; the rest stays content.',
    `
- calculator: ToolCallParserCalculator
  input_stream: [JOB:job, DELTAS:text_deltas]
  output_stream: [DELTAS:deltas]
`,
  ),
  inputs: {
    JOB: { type: llmTypes.job, description: 'the tokenized request (timestamp 0)' },
    DELTAS: { type: llmTypes.deltas, description: 'text per choice, from the detokenizer' },
  },
  outputs: { DELTAS: { type: llmTypes.deltas, description: 'content and tool calls per choice' } },
  timestampOffset: 0,
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let job: GenerationJob | undefined;
    const parsers = new Map<number, ToolCallParser>();

    const parse = (d: ChoiceDelta): ChoiceDelta => {
      const tools = job!.options.tools!;
      let parser = parsers.get(d.index);
      if (!parser) {
        parser = new ToolCallParser(tools.format);
        parsers.set(d.index, parser);
      }
      const piece = parser.push(d.text);
      let content = piece.content;
      const calls = [...piece.calls];
      let finishReason = d.finishReason;
      if (finishReason) {
        const tail = parser.end();
        content += tail.content;
        calls.push(...tail.calls);
        if (finishReason === 'stop' && parser.callCount > 0 && typeof tools.choice !== 'object') {
          finishReason = 'tool_calls';
        }
      }
      return { ...d, text: content, toolCalls: calls, finishReason };
    };

    return {
      process(ctx) {
        const jobPacket = ctx.input('JOB');
        if (jobPacket) job = jobPacket.value;
        const packet = ctx.input('DELTAS');
        if (!packet || !job) return;
        const tools = job.options.tools;
        if (!tools || tools.choice === 'none') {
          ctx.output('DELTAS').addPacket(packet);
          return;
        }
        ctx.output('DELTAS').add({ ...packet.value, deltas: packet.value.deltas.map(parse) });
      },
    };
  },
});
