/** The names one scaffolded calculator is known by. */
export interface CalculatorNames {
  /** Registry name used in YAML `calculator:` and the exported constant, e.g. `ScaleCalculator`. */
  readonly calculator: string;
  /** Kebab-case file stem, e.g. `scale-calculator`. */
  readonly fileStem: string;
  /** Graph name of the example graph, e.g. `scale_calculator_example`. */
  readonly graphName: string;
}

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const SUFFIX = 'Calculator';
const RULE =
  'a calculator name is PascalCase: an uppercase letter, then letters and digits (examples: "Scale", "RedactWordsCalculator"); "Calculator" is appended when missing';

/** Why `name` cannot name a calculator, or undefined when it can. */
export function calculatorNameProblem(name: string): string | undefined {
  if (!PASCAL_CASE.test(name)) return `invalid calculator name "${name}": ${RULE}`;
  if (name === SUFFIX)
    return `invalid calculator name "${name}": it needs a word before "Calculator"; ${RULE}`;
  return undefined;
}

/** Derives every name from a valid NAME (check it with `calculatorNameProblem` first). */
export function calculatorNames(name: string): CalculatorNames {
  const calculator = name.endsWith(SUFFIX) ? name : `${name}${SUFFIX}`;
  const words = splitWords(calculator).map((w) => w.toLowerCase());
  return { calculator, fileStem: words.join('-'), graphName: `${words.join('_')}_example` };
}

/** `HTTPRequest2Calculator` → `HTTP`, `Request2`, `Calculator`: acronyms stay one word, digits join the word before them. */
function splitWords(pascal: string): string[] {
  return pascal.match(/[A-Z]+(?![a-z])[0-9]*|[A-Z][a-z0-9]*/g) ?? [pascal];
}
