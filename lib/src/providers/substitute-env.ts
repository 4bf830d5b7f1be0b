/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed YAML document with the
 * environment's value (an unset or empty variable gives the default, else the empty string).
 * Pure: returns a new document.
 */
export function substituteEnv(document: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof document === 'string') {
    return document.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
      const value = env[name];
      return value === undefined || value === '' ? (fallback ?? '') : value;
    });
  }
  if (Array.isArray(document)) return document.map((item) => substituteEnv(item, env));
  if (document !== null && typeof document === 'object') {
    return Object.fromEntries(Object.entries(document).map(([key, value]) => [key, substituteEnv(value, env)]));
  }
  return document;
}
