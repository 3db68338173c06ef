import type { FinishReason } from '../openai/response-types.js';
import { ResponsesWriter } from '../openai/responses-builders.js';
import type { GenerationJob, LlmResponse, TextDeltas } from './llm-packets.js';

/**
 * The RESPONSE packets of a Responses API request (one choice): when streaming, the opening
 * events before the first text, one `response.output_text.delta` per piece of text and the closing
 * events with the usage; otherwise one `{status: 200, body}` with the response object.
 */
export class ResponsesOutput {
  private readonly writer: ResponsesWriter;
  private opened = false;
  private finish: FinishReason | undefined;

  constructor(private readonly job: GenerationJob) {
    this.writer = new ResponsesWriter(job.id, job.created, job.model, job.responses!);
  }

  /** Packets for one step's deltas; the last step (with `completionTokens`) ends the response. */
  onDeltas(deltas: TextDeltas): LlmResponse[] {
    const stream = this.job.options.stream;
    const out: LlmResponse[] = [];
    if (stream && !this.opened) {
      this.opened = true;
      for (const event of this.writer.opening()) out.push({ event });
    }
    for (const d of deltas.deltas) {
      if (stream) {
        const event = this.writer.delta(d.text);
        if (event) out.push({ event });
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
    if (stream) for (const event of this.writer.closing(finish, usage)) out.push({ event });
    else out.push({ status: 200, body: this.writer.final(finish, usage) });
    return out;
  }
}
