import type { ScanFinding } from '../store/health-repository.js';

interface Pattern {
  rule: string;
  test: RegExp;
  message: string;
}

/**
 * Characters a reader does not see but a model reads: zero-width characters and joiners, the
 * byte-order mark, bidirectional overrides and isolates, and Unicode tag characters (U+E0000 to
 * U+E007F), which can spell out a whole hidden instruction.
 */
const HIDDEN_UNICODE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;

/** Markup that hides text from people or claims authority over the model. */
const CONCEALED_TAG = /<\s*\/?\s*(important|system|secret|hidden|instructions?|admin|assistant|context|sudo)\b[^>]*>|<!--[\s\S]*?-->|<\|(im_start|im_end|system|endoftext)\|>/i;

/** Phrases that address the model rather than describe the tool. */
const INSTRUCTIONS: readonly Pattern[] = [
  { rule: 'model-instruction', test: /\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|other|system)\b.{0,20}\b(instructions?|prompts?|rules?|messages?)\b/i, message: 'tells the model to ignore its instructions' },
  { rule: 'model-instruction', test: /\b(do not|don't|never)\b.{0,30}\b(tell|inform|mention|reveal|notify|show)\b.{0,30}\b(the )?user\b/i, message: 'tells the model to keep something from the user' },
  { rule: 'model-instruction', test: /\bbefore (using|calling|invoking) (this|any|the) tool\b/i, message: 'tells the model what to do before using a tool' },
  { rule: 'model-instruction', test: /\b(you are now|act as|pretend to be|new instructions|system prompt)\b/i, message: 'tries to change the model\'s role or instructions' },
  { rule: 'model-instruction', test: /\b(instead of|rather than)\b.{0,40}\b(call|use|invoke)\b.{0,20}\btool\b/i, message: 'redirects the model to another tool' },
];

/** Hints that the tool wants secrets or data sent somewhere. */
const EXFILTRATION: readonly Pattern[] = [
  { rule: 'exfiltration-hint', test: /(~\/\.ssh|id_rsa|id_ed25519|\.aws\/credentials|\/etc\/passwd|(?:^|[\s"'`(/])\.env\b|\.netrc|\.npmrc|mcp\.json|\.kube\/config)/i, message: 'mentions a file that holds secrets' },
  { rule: 'exfiltration-hint', test: /\b(send|post|upload|forward|transmit|exfiltrate|leak)\b.{0,60}\b(https?:\/\/|webhook|endpoint|server|email)\b/i, message: 'asks for data to be sent somewhere' },
  { rule: 'exfiltration-hint', test: /\b(api[_ -]?keys?|passwords?|private keys?|access tokens?|credentials|secrets?)\b.{0,60}\b(parameter|argument|include|pass|send|read)\b|\b(include|pass|send|read)\b.{0,60}\b(api[_ -]?keys?|passwords?|private keys?|access tokens?|credentials)\b/i, message: 'asks for credentials' },
  { rule: 'exfiltration-hint', test: /\b(curl|wget)\s+\S|\bbase64\b.{0,30}\b(encode|the contents?)\b/i, message: 'asks for commands that move data' },
];

/** Every problem of one text that the model will read (a description), as high findings. */
export function findTextProblems(text: string, target: string): ScanFinding[] {
  const findings: ScanFinding[] = [];
  if (HIDDEN_UNICODE.test(text)) {
    findings.push({ rule: 'hidden-unicode', severity: 'high', target, message: `${target} holds invisible characters (zero-width, bidirectional or tag characters) that can hide instructions` });
  }
  const visible = text.replace(new RegExp(HIDDEN_UNICODE.source, 'gu'), '');
  if (CONCEALED_TAG.test(visible)) {
    findings.push({ rule: 'concealed-tag', severity: 'high', target, message: `${target} holds markup such as <IMPORTANT> or a comment that hides text from people but not from the model` });
  }
  for (const pattern of [...INSTRUCTIONS, ...EXFILTRATION]) {
    if (pattern.test.test(visible)) findings.push({ rule: pattern.rule, severity: 'high', target, message: `${target} ${pattern.message}` });
  }
  return findings;
}

/** Every string under a `description` or `title` key of a JSON schema, with where it was found. */
export function schemaTexts(schema: unknown, where = ''): Array<{ text: string; where: string }> {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => schemaTexts(item, `${where}[${index}]`));
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema as Record<string, unknown>).flatMap(([key, value]) => {
    const here = where === '' ? key : `${where}.${key}`;
    if ((key === 'description' || key === 'title') && typeof value === 'string') return [{ text: value, where: here }];
    return schemaTexts(value, here);
  });
}
