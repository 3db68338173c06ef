import { defineCalculator, t } from '@weft/framework';

/**
 * Answers a text with the reply of the first rule whose pattern matches it (a case-insensitive
 * regular expression), or with `fallback`. `$1`, `$2`... in a reply insert the pattern's groups.
 * The rules live in the graph's YAML, so changing what the bot says is a graph edit, not a release.
 *
 * Example config:
 * ```yaml
 * - calculator: RuleReplyCalculator
 *   input_stream: PROMPT:prompt
 *   output_stream: REPLY:reply
 *   options:
 *     rules:
 *       - { pattern: '\bmy name is (\w+)', reply: 'Nice to meet you, $1!' }
 *     fallback: I did not understand that.
 * ```
 */
export const RuleReplyCalculator = defineCalculator({
  name: 'RuleReplyCalculator',
  description:
    'Replies to a text with the first matching rule (case-insensitive regex, `$1` groups), or a fallback.',
  inputs: { PROMPT: { type: t.string(), description: 'The text to answer.' } },
  outputs: { REPLY: { type: t.string(), description: 'The reply, at the timestamp of the prompt.' } },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      rules: {
        type: 'array',
        description: 'Tried in order; the first match wins.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['pattern', 'reply'],
          properties: {
            pattern: {
              type: 'string',
              minLength: 1,
              description: 'Regular expression, matched case-insensitively.',
            },
            reply: { type: 'string', description: 'The answer; `$1`... insert the pattern groups.' },
          },
        },
      },
      fallback: {
        type: 'string',
        default: 'Sorry, I have no rule for that.',
        description: 'When no rule matches.',
      },
    },
  },
  // A refused request has no prompt: the offset lets the responder see at once that no reply comes.
  timestampOffset: 0,
  create() {
    let rules: { pattern: RegExp; reply: string }[] = [];
    return {
      open(ctx) {
        rules = ctx.options.rules.map((r) => {
          try {
            return { pattern: new RegExp(r.pattern, 'i'), reply: r.reply };
          } catch (error) {
            throw new Error(
              `rule pattern "${r.pattern}" is not a valid regular expression: ${(error as Error).message}`,
            );
          }
        });
      },
      process(ctx) {
        const prompt = ctx.input('PROMPT');
        if (prompt === undefined) return;
        const reply = replyTo(prompt.value, rules) ?? ctx.options.fallback;
        ctx.output('REPLY').add(reply);
      },
    };
  },
});

function replyTo(text: string, rules: readonly { pattern: RegExp; reply: string }[]): string | undefined {
  for (const rule of rules) {
    const match = rule.pattern.exec(text);
    if (match) return rule.reply.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '');
  }
  return undefined;
}
