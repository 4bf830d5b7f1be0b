import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * config/.env.example against the code: every variable a service or mcpgw reads is listed there, and
 * every variable listed is read by the code, by docker-compose.yml, by nginx's templates, by
 * scripts/setup or by a file under config/ (a `${NAME}` placeholder).
 */
const SOURCE_DIRS = ['lib/src', 'auth-server/src', 'registry/src', 'gateway/src', 'servers/src', 'scripts/src'];
const OTHER_READERS = ['docker-compose.yml', 'Dockerfile', 'nginx', 'scripts/setup', 'config'];
/** Read by a tool itself, not by a file of this repository. */
const READ_BY_TOOLS: ReadonlySet<string> = new Set(['COMPOSE_PROFILES']);

const READ_PATTERNS = [
  /process\.env\.([A-Z][A-Z0-9_]+)/g,
  /\benv\.([A-Z][A-Z0-9_]+)/g,
  /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g,
  /\benv(?:String|Optional|Int|Bool|Bytes|Duration)\(\s*['"]([A-Z][A-Z0-9_]+)['"]/g,
  /\brequired\(\s*['"]([A-Z][A-Z0-9_]+)['"]\)/g,
  /\bportEnv:\s*['"]([A-Z][A-Z0-9_]+)['"]/g,
];

function filesUnder(entry: string, extensions: RegExp): string[] {
  if (!existsSync(entry)) return [];
  if (statSync(entry).isFile()) return [entry];
  return readdirSync(entry, { withFileTypes: true }).flatMap((item) => {
    const full = path.join(entry, item.name);
    if (item.isDirectory()) return item.name === 'node_modules' || item.name === 'dist' ? [] : filesUnder(full, extensions);
    return extensions.test(item.name) ? [full] : [];
  });
}

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

/** Names the code builds at run time: `${prefix}_CLIENT_ID` for each provider prefix passed to common('KEYCLOAK'). */
function derivedNames(text: string): string[] {
  const prefixes = matches(text, /\bcommon\(\s*'([A-Z0-9]+)'\s*\)/g);
  const suffixes = matches(text, /\$\{prefix\}(_[A-Z0-9_]+)/g);
  return prefixes.flatMap((prefix) => suffixes.map((suffix) => `${prefix}${suffix}`));
}

const sources = SOURCE_DIRS.flatMap((dir) => filesUnder(dir, /\.ts$/)).map((file) => readFileSync(file, 'utf8'));
const readByCode = new Set(sources.flatMap((text) => [...READ_PATTERNS.flatMap((pattern) => matches(text, pattern)), ...derivedNames(text)]));
const otherText = OTHER_READERS.flatMap((entry) => filesUnder(entry, /\.(ya?ml|conf|template|sh|json|js)$|^Dockerfile$/))
  .filter((file) => !file.endsWith('.env.example'))
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');
const readElsewhere = new Set(matches(otherText, /\$\{?([A-Z][A-Z0-9_]+)/g));
/**
 * Names the code spells as string constants, read through a module's own small helper
 * (`weight('SEARCH_BM25_WEIGHT', …)`, a list of names in a loop). Too broad to say what must be
 * listed (error codes look the same), precise enough to say that a listed name is still used.
 */
const mentionedByCode = new Set(sources.flatMap((text) => matches(text, /['"]([A-Z][A-Z0-9]*_[A-Z0-9_]+)['"]/g)));
const listed = new Set(matches(readFileSync('config/.env.example', 'utf8'), /^#?\s*([A-Z][A-Z0-9_]+)=/gm));

describe('config/.env.example', () => {
  test('the scan finds the variables it must (it would not pass by finding nothing)', () => {
    for (const name of ['GATEWAY_PORT', 'DATA_DIR', 'KEYCLOAK_URL', 'KEYCLOAK_CLIENT_ID', 'CURRENTTIME_PORT', 'MCPGW_TOKEN', 'NGINX_DATAPLANE_FILE']) {
      assert.ok(readByCode.has(name), name);
    }
    assert.ok(readElsewhere.has('SERVER_NAME'));
  });

  test('every variable the code reads is listed, with a comment', () => {
    const missing = [...readByCode].filter((name) => !listed.has(name)).sort();
    assert.deepEqual(missing, [], `add these to config/.env.example with a comment: ${missing.join(', ')}`);
  });

  test('every variable listed is read by the code, compose, nginx, scripts/setup or config', () => {
    const unread = [...listed].filter((name) => !readByCode.has(name) && !mentionedByCode.has(name) && !readElsewhere.has(name) && !READ_BY_TOOLS.has(name)).sort();
    assert.deepEqual(unread, [], `nothing reads these; remove them from config/.env.example or read them: ${unread.join(', ')}`);
  });
});
