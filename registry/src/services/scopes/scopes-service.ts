import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { parseScopes, ScopesInvalidError, type ScopesProblem } from '@mcpgw/lib/scopes/parse-scopes.js';
import type { ScopesFile } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { RegistryError, revisionConflict } from '../../errors/registry-error.js';
import type { ScopesEdit, ScopesHistoryRepository, ScopesRevision, ScopesRevisionSummary } from '../../store/scopes-history-repository.js';
import { administratorGroups } from './administrator-groups.js';
import { applyScopesChange, type ScopesChange } from './scopes-change.js';

/** The author recorded for a version of the file that the registry found on disk rather than wrote. */
export const ON_DISK_AUTHOR = '(scopes.yml on disk)';
const ON_DISK_ACTION = 'edited outside the registry';

/** One revision of scopes.yml as the API shows it. */
export interface ScopesView extends ScopesRevisionSummary {
  text: string;
  /** The file parsed as YAML (keys in file order); null when it is not YAML. */
  document: unknown;
  /** Whether the auth-servers accept this version; when not, the problems. */
  valid: boolean;
  problems?: ScopesProblem[];
}

/** Who edits, how (for the history), and the revision they read, when they say. */
export interface EditRequest {
  author: string;
  action: string;
  ifRevision?: number;
}

export interface ScopesService {
  /** The file in force, as a revision (recording it first when it changed outside the registry). */
  current(): Promise<ScopesView>;
  edit(change: ScopesChange, request: EditRequest): Promise<ScopesView>;
  /** Makes the text of a kept revision the next revision. */
  rollback(revision: number, request: EditRequest): Promise<ScopesView>;
  history(): Promise<ScopesRevisionSummary[]>;
  revision(revision: number): Promise<ScopesView>;
}

/**
 * Edits of scopes.yml: validated with the auth-server's own parser, refused when they would take
 * away the last group that may do everything, written atomically (the auth-servers watch the file),
 * recorded in the history in the database, one at a time.
 */
export function createScopesService(history: ScopesHistoryRepository, source: ScopesSource): ScopesService {
  const file = source.file;
  const readText = async (): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  };
  /** The latest revision, after recording the file as a new one if it differs (an edit made by hand). */
  const settle = async (edit: ScopesEdit): Promise<ScopesRevision> => {
    const text = await readText();
    const latest = await edit.latest();
    if (latest !== undefined && latest.text === text) return latest;
    return edit.append({ text, author: ON_DISK_AUTHOR, action: ON_DISK_ACTION });
  };

  const write = (request: EditRequest, compute: (current: ScopesRevision) => Promise<string>): Promise<ScopesView> =>
    history.exclusive(async (edit) => {
      const current = await settle(edit);
      if (request.ifRevision !== undefined && request.ifRevision !== current.revision) {
        throw revisionConflict('scopes.yml', request.ifRevision, current.revision);
      }
      const text = await compute(current);
      if (text === current.text) return viewOf(current);
      refuseLockout(current.text, validated(text));
      // The file first: a write the disk refuses leaves both the file and the history as they were.
      await writeFileAtomic(file, text);
      let saved: ScopesRevision;
      try {
        saved = await edit.append({ text, author: request.author, action: request.action });
      } catch (error) {
        await writeFileAtomic(file, current.text).catch(() => undefined);
        throw error;
      }
      source.reload();
      return viewOf(saved);
    });

  return {
    current: async () => {
      const latest = await history.latest();
      if (latest !== undefined && latest.text === (await readText())) return viewOf(latest);
      return viewOf(await history.exclusive(settle));
    },
    edit: (change, request) => write(request, async (current) => applyScopesChange(current.text, change)),
    rollback: (revision, request) =>
      write(request, async () => {
        const target = await history.get(revision);
        if (target === undefined) throw revisionNotKept(revision);
        return target.text;
      }),
    history: () => history.list(),
    revision: async (revision) => {
      const found = await history.get(revision);
      if (found === undefined) throw revisionNotKept(revision);
      return viewOf(found);
    },
  };
}

function validated(text: string): ScopesFile {
  try {
    return parseScopes(text);
  } catch (error) {
    if (!(error instanceof ScopesInvalidError)) throw error;
    const summary = error.problems.map((p) => `${p.path || '(top level)'}: ${p.message}`).join('; ');
    throw new RegistryError('REGISTRY_INVALID_SCOPES', 400, `the scopes edit is refused; fix these and retry: ${summary}`, {
      problems: error.problems,
    });
  }
}

/** An edit may not take away the last group that holds every registry action on all servers. */
function refuseLockout(currentText: string, next: ScopesFile): void {
  let before: string[];
  try {
    before = administratorGroups(parseScopes(currentText));
  } catch {
    return;
  }
  if (before.length > 0 && administratorGroups(next).length === 0) {
    throw new RegistryError(
      'REGISTRY_SCOPES_LOCKOUT',
      409,
      `after this edit no group would hold every registry action on all servers (now ${before.join(', ')} do${before.length === 1 ? 'es' : ''}); keep one such group`,
    );
  }
}

function viewOf(revision: ScopesRevision): ScopesView {
  let document: unknown = null;
  try {
    document = yaml.load(revision.text, { schema: yaml.CORE_SCHEMA }) ?? {};
  } catch {
    // not YAML: reported through `problems`
  }
  const { text, ...summary } = revision;
  try {
    parseScopes(text);
    return { ...summary, text, document, valid: true };
  } catch (error) {
    if (!(error instanceof ScopesInvalidError)) throw error;
    return { ...summary, text, document, valid: false, problems: error.problems };
  }
}

function revisionNotKept(revision: number): RegistryError {
  return new RegistryError(
    'REGISTRY_SCOPES_NOT_FOUND',
    404,
    `scopes revision ${revision} is not in the history (the last ones are kept); list them with GET /api/scopes/history`,
  );
}
