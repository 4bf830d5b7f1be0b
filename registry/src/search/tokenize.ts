/** Words too common to tell documents apart. */
const STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'its', 'of', 'on', 'or',
  'that', 'the', 'this', 'to', 'with', 'me', 'my', 'i', 'you', 'your', 'can', 'will', 'do', 'does', 'what', 'which',
]);

/**
 * Lower-case terms of a text: split at anything but letters and digits, and inside identifiers at
 * camelCase humps and `_`/`-`, so that `get_current_time` and `getCurrentTime` match "current time".
 */
export function tokenize(text: string): string[] {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return spaced
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0 && !STOPWORDS.has(term));
}
