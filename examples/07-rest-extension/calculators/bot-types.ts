import { t } from '@weft/framework';
// Types only: the graph protocol's packets (erased at run time, so the bot never loads the LLM package).
import type { ErrorPacket, GraphRequest, ResponsePacket } from '@weft/llm';

/** A request the bot understood: what the responder needs to shape its answer. */
export interface BotRequest {
  readonly ok: true;
  readonly endpoint: 'completions' | 'chat/completions';
  readonly model: string;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** The text the rules match: the prompt, or the last user message of a chat. */
  readonly prompt: string;
}

/** A request the bot refused, already as the protocol's error packet (the server maps its code). */
export interface BotRefusal {
  readonly ok: false;
  readonly error: ErrorPacket;
}

export type ParsedRequest = BotRequest | BotRefusal;

/**
 * The packet on the graph's REQUEST stream (the server's side of the protocol). Named types connect
 * only to ports of the same name, so the validator catches a parser wired to the wrong stream.
 */
export const requestPacketType = t.named<GraphRequest>(
  'GraphRequest',
  (v) => typeof v === 'object' && v !== null && 'endpoint' in v && 'model' in v && 'body' in v,
);
export const parsedRequestType = t.named<ParsedRequest>('RuleBotParsedRequest');
/** Packets on the graph's RESPONSE stream: head, chunks, usage, end, or an error. */
export const responsePacketType = t.named<ResponsePacket>('GraphResponsePacket');

/** Usage counts words, not tokens: a rule bot has no tokenizer, and words are what it matches. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}
