import type { FinishReason } from '../openai/response-types.js';
import { ResponsesWriter } from '../openai/responses-builders.js';
import type { ResponsePacket } from '../serving/graph-protocol.js';
import type { GenerationJob, TextDeltas } from './llm-packets.js';

/**
 * The RESPONSE packets of a Responses API request (one choice), after the head: when streaming,
 * one named chunk per event (the opening events before the first text, one
 * `response.output_text.delta` per piece of text, the closing events with the usage); otherwise one
 * chunk with the response object. Then `usage` and `end`.
 */
export class ResponsesOutput {
  private readonly writer: ResponsesWriter;
  private opened = false;
  private finish: FinishReason | undefined;

  constructor(private readonly job: GenerationJob) {
    this.writer = new ResponsesWriter(job.id, job.created, job.model, job.responses!);
  }

  /** Packets for one step's deltas; the last step (with `completionTokens`) ends the response. */
  onDeltas(deltas: TextDeltas): ResponsePacket[] {
    const stream = this.job.options.stream;
    const out: ResponsePacket[] = [];
    const chunk = (data: object, tokens = 0) =>
      out.push({ kind: 'chunk', data, event: (data as { type: string }).type, tokens });
    if (stream && !this.opened) {
      this.opened = true;
      for (const event of this.writer.opening()) chunk(event);
    }
    for (const d of deltas.deltas) {
      if (stream) {
        const event = this.writer.delta(d.text);
        if (event) chunk(event, d.tokens);
      } else {
        this.writer.append(d.text);
      }
      if (d.finishReason) this.finish = d.finishReason;
    }
    if (deltas.completionTokens === undefined) return out;
    const usage = {
      input: this.job.promptIds.reduce((s, ids) => s + ids.length, 0),
      output: deltas.completionTokens,
    };
    const finish = this.finish ?? 'length';
    if (stream) for (const event of this.writer.closing(finish, usage)) chunk(event);
    else out.push({ kind: 'chunk', data: this.writer.final(finish, usage), tokens: usage.output });
    out.push({ kind: 'usage', promptTokens: usage.input, completionTokens: usage.output });
    out.push({ kind: 'end' });
    return out;
  }
}
