import type { ChatLogprobs, CompletionsLogprobs, LogprobEntry } from './response-types.js';

/**
 * The /completions logprobs shape. `text_offset` counts UTF-16 units from the start of the choice
 * text (pass `startOffset` to continue across stream chunks or after an echoed prompt).
 */
export function completionsLogprobs(
  entries: readonly LogprobEntry[],
  startOffset: number,
): CompletionsLogprobs {
  const out: CompletionsLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = startOffset;
  for (const e of entries) {
    out.tokens.push(e.text);
    out.token_logprobs.push(e.logprob);
    const top: Record<string, number> = {};
    // Several ids can share a text (e.g. two partial-UTF-8 tokens): keep the most likely one.
    for (const alt of e.top) if (!(alt.text in top)) top[alt.text] = alt.logprob;
    out.top_logprobs.push(top);
    out.text_offset.push(offset);
    offset += e.text.length;
  }
  return out;
}

/** The /chat/completions logprobs shape. */
export function chatLogprobs(entries: readonly LogprobEntry[]): ChatLogprobs {
  return {
    content: entries.map((e) => ({
      token: e.text,
      logprob: e.logprob,
      bytes: [...e.bytes],
      top_logprobs: e.top.map((a) => ({ token: a.text, logprob: a.logprob, bytes: [...a.bytes] })),
    })),
  };
}
