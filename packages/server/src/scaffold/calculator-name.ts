/** The names one scaffolded calculator is known by. */
export interface CalculatorNames {
  /** Registry name used in YAML `calculator:` and the exported constant, e.g. `ScaleCalculator`. */
  readonly calculator: string;
  /** Kebab-case file stem, e.g. `scale-calculator`. */
  readonly fileStem: string;
  /** Graph name of the example graph, e.g. `scale_calculator_example`. */
  readonly graphName: string;
}

/** Words of letters and digits, starting with a letter, joined by `_` or `-` (or nothing). */
const NAME = /^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*$/;
const SUFFIX = 'Calculator';
const RULE =
  'a calculator name is letters and digits starting with a letter, in PascalCase, snake_case or kebab-case (examples: "Scale", "shout_text", "redact-words"); it becomes PascalCase ending in "Calculator"';

/** Why `name` cannot name a calculator, or undefined when it can. */
export function calculatorNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return `invalid calculator name "${name}": ${RULE}`;
  if (pascalCase(name) === SUFFIX)
    return `invalid calculator name "${name}": it needs a word before "Calculator"; ${RULE}`;
  return undefined;
}

/**
 * Derives every name from a valid NAME (check it with `calculatorNameProblem` first):
 * `shout_text`, `shout-text`, `ShoutText` and `ShoutTextCalculator` all give `ShoutTextCalculator`.
 */
export function calculatorNames(name: string): CalculatorNames {
  const pascal = pascalCase(name);
  const calculator = pascal.endsWith(SUFFIX) ? pascal : `${pascal}${SUFFIX}`;
  const words = splitWords(calculator).map((w) => w.toLowerCase());
  return { calculator, fileStem: words.join('-'), graphName: `${words.join('_')}_example` };
}

/** `shout_text` → `ShoutText`; the letters inside each word keep their case (`HTTP_request` → `HTTPRequest`). */
function pascalCase(name: string): string {
  return name
    .split(/[_-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** `HTTPRequest2Calculator` → `HTTP`, `Request2`, `Calculator`: acronyms stay one word, digits join the word before them. */
function splitWords(pascal: string): string[] {
  return pascal.match(/[A-Z]+(?![a-z])[0-9]*|[A-Z][a-z0-9]*/g) ?? [pascal];
}
