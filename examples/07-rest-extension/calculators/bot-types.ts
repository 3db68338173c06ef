import { t } from '@weft/framework';

/** The OpenAI error object, as the graph contract wants it in a `{status, body}` packet. */
export interface OpenAiError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

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

/** A request the bot refused, already in the shape of the 4xx response packet. */
export interface BotRefusal {
  readonly ok: false;
  readonly status: number;
  readonly error: OpenAiError;
}

export type ParsedRequest = BotRequest | BotRefusal;

/**
 * The packet on the graph's REQUEST stream (the server's side of the contract). Named types connect
 * only to ports of the same name, so the validator catches a parser wired to the wrong stream.
 */
export const requestPacketType = t.named<{ endpoint: string; body: unknown }>(
  'OpenAiRequestPacket',
  (v) => typeof v === 'object' && v !== null && 'endpoint' in v && 'body' in v,
);
export const parsedRequestType = t.named<ParsedRequest>('RuleBotParsedRequest');
/** Packets on the graph's RESPONSE stream: `{status, body}` or `{event}`. */
export const responsePacketType = t.named<{ status: number; body: unknown } | { event: unknown }>(
  'OpenAiResponsePacket',
);

/** Usage counts words, not tokens: a rule bot has no tokenizer, and words are what it matches. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}
