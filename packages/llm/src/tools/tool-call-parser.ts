import { randomBytes } from 'node:crypto';
import { CallObjectScanner } from './call-object-scanner.js';
import type { ToolCallDelta, ToolCallFormat } from './tool-types.js';

/** What one piece of model text turned into. */
export interface ParsedPiece {
  readonly content: string;
  readonly calls: readonly ToolCallDelta[];
}

/** An OpenAI-style tool call id. */
export const newToolCallId = (): string => `call_${randomBytes(12).toString('hex')}`;

interface Marker {
  readonly text: string;
  /** The marker is part of the call object (`{"name"` of Llama 3) and stays in the buffer. */
  readonly keep: boolean;
}

const MARKERS: Readonly<Record<ToolCallFormat, readonly Marker[]>> = {
  hermes: [{ text: '<tool_call>', keep: false }],
  mistral: [{ text: '[TOOL_CALLS]', keep: false }],
  llama3_json: [
    { text: '<|python_tag|>', keep: false },
    { text: '{"name"', keep: true },
  ],
};
const HERMES_END = '</tool_call>';
const WS = /\s/;

/**
 * Splits a model's streamed text into content and tool calls, for one choice. Markup never reaches
 * the content, not even half a tag: text that could be the start of a marker is held back until
 * the next piece decides. Calls come out as OpenAI streams them: the first delta of a call has its
 * `id` and `name`, the following ones pieces of `arguments`. A call that turns out malformed before
 * its name was sent is given back as content.
 */
export class ToolCallParser {
  readonly #format: ToolCallFormat;
  readonly #newId: () => string;
  #state: 'text' | 'before' | 'call' | 'after' = 'text';
  #buf = '';
  /** Text of the current call region, given back as content if the call turns out malformed. */
  #raw = '';
  #scanner: CallObjectScanner | undefined;
  #inArray = false;
  #calls = 0;
  #headerSent = false;
  #dropSpace = false;
  #content = '';
  #out = new Map<number, { id?: string; name?: string; arguments: string }>();

  constructor(format: ToolCallFormat, newId: () => string = newToolCallId) {
    this.#format = format;
    this.#newId = newId;
  }

  /** Calls started so far. */
  get callCount(): number {
    return this.#calls;
  }

  push(text: string): ParsedPiece {
    this.#buf += text;
    this.#run(false);
    return this.#take();
  }

  /** The end of the text: whatever was held back is decided now. */
  end(): ParsedPiece {
    this.#run(true);
    if (this.#state === 'text' || this.#state === 'after') {
      this.#emitText(this.#buf);
    } else if (!this.#headerSent) {
      this.#emitText(this.#raw + this.#buf);
    }
    this.#buf = '';
    return this.#take();
  }

  #take(): ParsedPiece {
    const piece = {
      content: this.#content,
      calls: [...this.#out.entries()].map(([index, d]) => ({ index, ...d })),
    };
    this.#content = '';
    this.#out.clear();
    return piece;
  }

  #emitText(text: string): void {
    if (this.#dropSpace) {
      const start = text.search(/\S/);
      if (start < 0) return;
      text = text.slice(start);
      this.#dropSpace = false;
    }
    this.#content += text;
  }

  #callDelta(): { id?: string; name?: string; arguments: string } {
    const index = this.#calls - 1;
    let d = this.#out.get(index);
    if (!d) {
      d = { arguments: '' };
      this.#out.set(index, d);
    }
    return d;
  }

  #run(final: boolean): void {
    while (this.#buf.length > 0) {
      switch (this.#state) {
        case 'text':
          if (!this.#scanText(final)) return;
          break;
        case 'after':
          if (!this.#after(this.#buf[0]!, final)) return;
          break;
        case 'before':
          this.#before(this.#buf[0]!);
          break;
        case 'call':
          this.#call(this.#buf[0]!);
          break;
      }
    }
  }

  /** Text state: emits text up to a marker (or up to what could still become one). */
  #scanText(final: boolean): boolean {
    let best: { at: number; marker: Marker } | undefined;
    for (const marker of MARKERS[this.#format]) {
      const at = this.#buf.indexOf(marker.text);
      if (at >= 0 && (!best || at < best.at)) best = { at, marker };
    }
    if (best) {
      this.#emitText(this.#buf.slice(0, best.at));
      const skip = best.marker.keep ? 0 : best.marker.text.length;
      this.#raw = this.#buf.slice(best.at, best.at + skip);
      this.#buf = this.#buf.slice(best.at + skip);
      this.#state = 'before';
      this.#inArray = false;
      return true;
    }
    const hold = final ? 0 : heldSuffix(this.#buf, MARKERS[this.#format]);
    this.#emitText(this.#buf.slice(0, this.#buf.length - hold));
    this.#buf = this.#buf.slice(this.#buf.length - hold);
    return false;
  }

  #before(c: string): void {
    this.#buf = this.#buf.slice(1);
    this.#raw += c;
    if (WS.test(c)) return;
    if (c === '[' && this.#format === 'mistral' && !this.#inArray) {
      this.#inArray = true;
      return;
    }
    if (c !== '{') {
      this.#giveBack();
      return;
    }
    this.#scanner = new CallObjectScanner();
    this.#scanner.push(c);
    this.#headerSent = false;
    this.#state = 'call';
  }

  #call(c: string): void {
    this.#buf = this.#buf.slice(1);
    this.#raw += c;
    const s = this.#scanner!;
    const r = s.push(c);
    if (r === 'invalid') {
      if (this.#headerSent) this.#state = 'text';
      else this.#giveBack();
      return;
    }
    if (!this.#headerSent && s.name !== undefined) {
      this.#calls++;
      this.#headerSent = true;
      const d = this.#callDelta();
      d.id = this.#newId();
      d.name = s.name;
    }
    if (this.#headerSent) {
      const args = s.takeArguments();
      if (args) this.#callDelta().arguments += args;
    }
    if (r === 'done') {
      if (this.#headerSent && !s.hasArguments) this.#callDelta().arguments += '{}';
      this.#state = 'after';
      this.#raw = '';
    }
  }

  /** After a call object: the format's closing text, or a separator before the next call. */
  #after(c: string, final: boolean): boolean {
    if (WS.test(c)) {
      this.#buf = this.#buf.slice(1);
      return true;
    }
    if (this.#format === 'hermes') {
      if (this.#buf.startsWith(HERMES_END)) {
        this.#buf = this.#buf.slice(HERMES_END.length);
        this.#toText();
        return true;
      }
      if (HERMES_END.startsWith(this.#buf)) {
        if (!final) return false;
        this.#buf = ''; // a closing tag cut short by max_tokens is still markup
      }
      this.#toText();
      return true;
    }
    const separator = this.#format === 'mistral' ? ',' : ';';
    if (c === separator && (this.#format !== 'mistral' || this.#inArray)) {
      this.#buf = this.#buf.slice(1);
      this.#state = 'before';
      return true;
    }
    if (c === ']' && this.#inArray) this.#buf = this.#buf.slice(1);
    this.#toText();
    return true;
  }

  #toText(): void {
    this.#state = 'text';
    this.#dropSpace = true;
  }

  #giveBack(): void {
    this.#emitText(this.#raw);
    this.#raw = '';
    this.#state = 'text';
  }
}

/** Length of the longest end of `text` that is the start of a marker. */
function heldSuffix(text: string, markers: readonly Marker[]): number {
  let hold = 0;
  for (const { text: m } of markers) {
    for (let n = Math.min(m.length - 1, text.length); n > hold; n--) {
      if (text.endsWith(m.slice(0, n))) {
        hold = n;
        break;
      }
    }
  }
  return hold;
}
