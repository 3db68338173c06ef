/** What one character did to a call object being scanned. */
export type ScanResult = 'more' | 'done' | 'invalid';

const WS = new Set([' ', '\n', '\r', '\t']);
const ARG_KEYS = new Set(['arguments', 'parameters']);

/**
 * Reads one tool-call object `{"name": "...", "arguments": {...}}` a character at a time, as the
 * model writes it. The name is known as soon as its string closes; the characters of the arguments
 * value are handed out as they arrive (an object or array value streams; a scalar comes whole), so
 * a streamed call can send its arguments in pieces without ever re-parsing.
 */
export class CallObjectScanner {
  name: string | undefined;
  /** Arguments text not yet taken (see `takeArguments`). */
  #pending = '';
  #argsSeen = false;
  #depth = 0;
  #inString = false;
  #escape = false;
  #started = false;
  // Depth-1 state: reading a key, waiting for ':', reading a value.
  #phase: 'key' | 'colon' | 'value' = 'key';
  #key = '';
  #str = '';
  // The open string is a key or a scalar value of the call object itself (not nested).
  #strTop = false;
  #value: 'name' | 'args' | 'other' | undefined;
  #argsDepth = 0;
  #scalar = '';

  /** True once an arguments value was seen (possibly still incomplete). */
  get hasArguments(): boolean {
    return this.#argsSeen;
  }

  /** Arguments characters scanned since the last call. */
  takeArguments(): string {
    const out = this.#pending;
    this.#pending = '';
    return out;
  }

  push(c: string): ScanResult {
    if (!this.#started) {
      if (WS.has(c)) return 'more';
      if (c !== '{') return 'invalid';
      this.#started = true;
      this.#depth = 1;
      return 'more';
    }
    const inArgs = this.#value === 'args' && this.#argsDepth > 0;
    if (inArgs) this.#pending += c;
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (c === '\\') this.#escape = true;
      else if (c === '"') this.#inString = false;
      if (this.#strTop) {
        this.#str += c;
        if (!this.#inString) this.#closeString();
      }
      return 'more';
    }
    if (inArgs) {
      if (c === '"') {
        this.#inString = true;
        this.#strTop = false;
      } else if (c === '{' || c === '[') this.#argsDepth++;
      else if (c === '}' || c === ']') {
        this.#argsDepth--;
        if (this.#argsDepth === 0) this.#value = 'other';
      }
      return 'more';
    }
    if (this.#depth > 1) {
      // Inside a nested value of a key we do not stream.
      if (c === '"') {
        this.#inString = true;
        this.#strTop = false;
      } else if (c === '{' || c === '[') this.#depth++;
      else if (c === '}' || c === ']') this.#depth--;
      return 'more';
    }
    if (WS.has(c)) return 'more';
    switch (this.#phase) {
      case 'key':
        if (c === '"') return this.#openString();
        return 'invalid';
      case 'colon':
        if (c !== ':') return 'invalid';
        this.#phase = 'value';
        this.#value = this.#key === 'name' ? 'name' : ARG_KEYS.has(this.#key) ? 'args' : 'other';
        this.#scalar = '';
        return 'more';
      case 'value':
        return this.#valueChar(c);
    }
  }

  #valueChar(c: string): ScanResult {
    if (c === ',' || c === '}') {
      if (this.#value === 'args' && this.#scalar !== '') this.#pending += this.#scalar;
      this.#scalar = '';
      this.#phase = 'key';
      this.#key = '';
      this.#value = undefined;
      if (c === '}') return this.name === undefined ? 'invalid' : 'done';
      return 'more';
    }
    if (this.#value === 'args' && (c === '{' || c === '[') && this.#scalar === '') {
      this.#argsSeen = true;
      this.#argsDepth = 1;
      this.#pending += c;
      return 'more';
    }
    if (c === '"') return this.#openString();
    if (c === '{' || c === '[') {
      this.#depth++;
      return 'more';
    }
    if (this.#value === 'args') this.#argsSeen = true;
    this.#scalar += c;
    return 'more';
  }

  #openString(): ScanResult {
    this.#inString = true;
    this.#strTop = true;
    this.#str = '"';
    return 'more';
  }

  #closeString(): void {
    const text = this.#str;
    this.#str = '';
    this.#strTop = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (this.#phase === 'key') {
      this.#key = typeof value === 'string' ? value : '';
      this.#phase = 'colon';
      return;
    }
    if (this.#value === 'name' && typeof value === 'string') this.name = value;
    // A string value of the arguments (some models quote the JSON): passed on as written.
    if (this.#value === 'args') {
      this.#argsSeen = true;
      this.#scalar += typeof value === 'string' ? value : text;
    }
  }
}
