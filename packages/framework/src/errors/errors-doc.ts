import { checkErrorCodeTable, type ErrorCodeEntry } from './error-codes.js';

/** One package's error table, as listed in docs/errors.md. */
export interface PackageErrorTable {
  /** npm name, e.g. `@weft/framework`. */
  readonly package: string;
  readonly entries: readonly ErrorCodeEntry[];
}

const INTRO = `# Error codes

Every error Weft reports carries a stable code \`WEFT_ERR_...\`: graph validation problems
(\`FILE:LINE:COL error CODE message\`), graph run errors, and HTTP error bodies (\`error.code\` holds the
code's lower-case OpenAI form where one exists; the Weft code is in the message and logs). Codes never
change meaning once released. This page is generated from each package's error table
(\`pnpm run docs\`); a test fails when a code is missing here.
`;

/** Renders docs/errors.md: one section per package, one entry per code, in table order. */
export function renderErrorsDoc(tables: readonly PackageErrorTable[]): string {
  const out = [INTRO];
  for (const table of tables) {
    checkErrorCodeTable(table.entries);
    out.push(`## \`${table.package}\`\n`);
    for (const e of table.entries) {
      out.push(`### \`${e.code}\`\n`);
      out.push(
        `**${e.title}.**${e.status === undefined ? '' : ` HTTP ${e.status}.`} ${e.description.trim()}\n`,
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Reads the codes listed per package back from docs/errors.md (for the sync test). */
export function parseErrorsDoc(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    const pkg = /^## `(@weft\/[a-z-]+)`/.exec(line);
    if (pkg) {
      current = [];
      sections.set(pkg[1]!, current);
      continue;
    }
    const code = /^### `(WEFT_ERR_[A-Z0-9_]+)`/.exec(line);
    if (code && current) current.push(code[1]!);
  }
  return sections;
}
