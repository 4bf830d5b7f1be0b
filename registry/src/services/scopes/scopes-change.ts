import yaml from 'js-yaml';
import { GROUP_MAPPINGS_KEY, UI_SCOPES_KEY } from '@mcpgw/lib/scopes/scopes-schema.js';
import { RegistryError } from '../../errors/registry-error.js';

/** One edit of scopes.yml, as the scopes API expresses it. */
export type ScopesChange =
  | { kind: 'replace-text'; text: string }
  | { kind: 'replace-document'; document: Record<string, unknown> }
  | { kind: 'set-group'; group: string; scopes: string[] }
  | { kind: 'delete-group'; group: string }
  | { kind: 'set-server-scope'; scope: string; entries: unknown[] }
  | { kind: 'delete-server-scope'; scope: string }
  | { kind: 'set-ui-scope'; scope: string; actions: Record<string, unknown> }
  | { kind: 'delete-ui-scope'; scope: string };

type Document = Record<string, unknown>;

/**
 * The text of scopes.yml after a change (not yet validated). A YAML text is taken as sent, comments
 * and all. Anything else is applied to the parsed file and written back with js-yaml, which keeps the
 * order of keys and the comment block at the top of the file but drops every other comment.
 */
export function applyScopesChange(currentText: string, change: ScopesChange): string {
  if (change.kind === 'replace-text') return change.text;
  const header = leadingComments(currentText);
  if (change.kind === 'replace-document') return render(header, change.document);
  const document = parseCurrent(currentText);
  switch (change.kind) {
    case 'set-group':
      section(document, GROUP_MAPPINGS_KEY)[change.group] = change.scopes;
      break;
    case 'delete-group':
      remove(section(document, GROUP_MAPPINGS_KEY), change.group, `the group ${change.group} has no mapping`);
      break;
    case 'set-ui-scope':
      section(document, UI_SCOPES_KEY)[change.scope] = change.actions;
      break;
    case 'delete-ui-scope':
      remove(section(document, UI_SCOPES_KEY), change.scope, `there is no UI scope ${change.scope}`);
      break;
    case 'set-server-scope':
      document[change.scope] = change.entries;
      break;
    case 'delete-server-scope':
      remove(document, change.scope, `there is no server scope ${change.scope}`);
      break;
  }
  return render(header, document);
}

function render(header: string, document: Document): string {
  return header + yaml.dump(document, { schema: yaml.CORE_SCHEMA, lineWidth: -1, noRefs: true });
}

/** The comment lines (and blank lines) the file starts with, kept above a rewritten document. */
function leadingComments(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const kept = (end === -1 ? [] : lines.slice(0, end)).join('\n').trimEnd();
  return kept === '' ? '' : `${kept}\n\n`;
}

function parseCurrent(text: string): Document {
  let parsed: unknown;
  try {
    parsed = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw fileBroken(`it is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw fileBroken('it is not a mapping of keys');
  return parsed as Document;
}

function section(document: Document, key: string): Document {
  const existing = document[key];
  if (existing === undefined || existing === null) {
    const created: Document = {};
    document[key] = created;
    return created;
  }
  if (typeof existing !== 'object' || Array.isArray(existing)) throw fileBroken(`its ${key} is not a mapping`);
  return existing as Document;
}

function remove(container: Document, key: string, missing: string): void {
  if (!Object.hasOwn(container, key)) {
    throw new RegistryError('REGISTRY_SCOPES_NOT_FOUND', 404, `${missing}; read the current scopes with GET /api/scopes`);
  }
  delete container[key];
}

function fileBroken(why: string): RegistryError {
  return new RegistryError(
    'REGISTRY_SCOPES_FILE_BROKEN',
    409,
    `scopes.yml on disk cannot be edited piece by piece: ${why}; replace it whole (PUT /api/scopes) or roll back to a good revision`,
  );
}
