/**
 * A strict-enough XML well-formedness check for tests (no XML parser is a dependency): one root
 * element, balanced tags, quoted attributes without duplicates, and only the predefined or numeric
 * entities in text and attribute values. Returns the problem, or undefined when well-formed.
 */
export function xmlProblem(xml: string): string | undefined {
  const NAME = '[A-Za-z_:][-A-Za-z0-9_.:]*';
  const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const ATTR = new RegExp(`\\s+(${NAME})\\s*=\\s*("[^"<]*"|'[^'<]*')`, 'y');
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (ENTITY.test(text)) return `bad entity in text near "${text.slice(0, 40)}"`;
    if (stack.length === 0 && text.trim() !== '')
      return `text outside the root element: "${text.trim().slice(0, 40)}"`;
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end === -1) return 'unclosed comment';
      i = end + 3;
      continue;
    }
    const close = new RegExp(`</(${NAME})\\s*>`, 'y');
    close.lastIndex = lt;
    const c = close.exec(xml);
    if (c) {
      const open = stack.pop();
      if (open !== c[1]) return `</${c[1]}> closes <${open ?? 'nothing'}>`;
      i = close.lastIndex;
      continue;
    }
    const start = new RegExp(`<(${NAME})`, 'y');
    start.lastIndex = lt;
    const s = start.exec(xml);
    if (!s) return `malformed tag at offset ${lt}: "${xml.slice(lt, lt + 30)}"`;
    let j = start.lastIndex;
    const names = new Set<string>();
    for (;;) {
      ATTR.lastIndex = j;
      const a = ATTR.exec(xml);
      if (!a) break;
      if (names.has(a[1]!)) return `duplicate attribute ${a[1]} on <${s[1]}>`;
      if (ENTITY.test(a[2]!)) return `bad entity in attribute ${a[1]} of <${s[1]}>`;
      names.add(a[1]!);
      j = ATTR.lastIndex;
    }
    const end = /\s*(\/?)>/y;
    end.lastIndex = j;
    const e = end.exec(xml);
    if (!e) return `malformed tag <${s[1]}> at offset ${lt}: "${xml.slice(j, j + 30)}"`;
    if (stack.length === 0) roots++;
    if (roots > 1) return 'more than one root element';
    if (e[1] !== '/') stack.push(s[1]!);
    i = end.lastIndex;
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`;
  return roots === 1 ? undefined : 'no root element';
}
