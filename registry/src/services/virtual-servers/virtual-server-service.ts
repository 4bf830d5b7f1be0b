import { tryCanonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { VIRTUAL_SERVER_NAME, virtualServerDefinitionSchema, type VirtualServer } from '@mcpgw/lib/virtual/virtual-server-schema.js';
import { problemsOf, RegistryError, type RegistryProblem } from '../../errors/registry-error.js';
import { VirtualServerRevisionConflict, type StoredVirtualServer, type VirtualServerRepository } from '../../store/virtual-server-repository.js';

export interface VirtualServerEntry {
  name: string;
  description: string;
  prefix_mode: VirtualServer['prefix_mode'];
  members: VirtualServer['members'];
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface VirtualServerService {
  list(): Promise<VirtualServerEntry[]>;
  get(name: string): Promise<VirtualServerEntry>;
  /** Validates the body (members canonicalised) and stores it; `authorise` sees the new and old member paths first. */
  put(name: string, body: unknown, expectedRevision: number | undefined, authorise: (memberPaths: string[]) => void): Promise<{ entry: VirtualServerEntry; created: boolean }>;
  delete(name: string, expectedRevision: number | undefined, authorise: (memberPaths: string[]) => void): Promise<void>;
  /** For the route table. */
  definitions(): Promise<VirtualServer[]>;
}

export function createVirtualServerService(repository: VirtualServerRepository): VirtualServerService {
  const found = async (name: string): Promise<StoredVirtualServer> => {
    const stored = await repository.get(checkName(name));
    if (!stored) throw new RegistryError('REGISTRY_VIRTUAL_SERVER_NOT_FOUND', 404, `no virtual server is named ${name}; list them with GET /api/virtual-servers`);
    return stored;
  };
  const conflict = (error: unknown, name: string): never => {
    if (error instanceof VirtualServerRevisionConflict) {
      throw new RegistryError(
        'REGISTRY_REVISION_CONFLICT',
        409,
        error.current === undefined ? `the virtual server ${name} does not exist at the revision you sent` : `the virtual server ${name} changed (now revision ${error.current}); read it again and reapply your edit`,
      );
    }
    throw error;
  };
  return {
    list: async () => (await repository.list()).map(toEntry),
    get: async (name) => toEntry(await found(name)),
    async put(name, body, expectedRevision, authorise) {
      checkName(name);
      const { name: bodyName, revision: _revision, ...rest } = (body ?? {}) as Record<string, unknown>;
      if (bodyName !== undefined && bodyName !== name) throw invalid([{ path: 'name', message: `must be ${name} (the name in the URL) or absent` }]);
      const parsed = virtualServerDefinitionSchema.safeParse(rest);
      if (!parsed.success) throw invalid(problemsOf(parsed.error));
      const problems: RegistryProblem[] = [];
      const members = parsed.data.members.map((member, index) => {
        const server = tryCanonicalServerPath(member.server);
        if (server === undefined) problems.push({ path: `members.${index}.server`, message: 'must be a server path such as /currenttime' });
        return { ...member, server: server ?? member.server };
      });
      const seen = new Set<string>();
      members.forEach((member, index) => {
        if (seen.has(member.server)) problems.push({ path: `members.${index}.server`, message: `${member.server} is listed twice` });
        seen.add(member.server);
      });
      if (problems.length > 0) throw invalid(problems);
      const previous = await repository.get(name);
      authorise([...new Set([...members.map((member) => member.server), ...(previous?.definition.members.map((member) => member.server) ?? [])])]);
      try {
        const { stored, created } = await repository.put(name, { ...parsed.data, members }, expectedRevision);
        return { entry: toEntry(stored), created };
      } catch (error) {
        return conflict(error, name);
      }
    },
    async delete(name, expectedRevision, authorise) {
      const stored = await found(name);
      authorise(stored.definition.members.map((member) => member.server));
      try {
        if (!(await repository.delete(name, expectedRevision))) await found(name);
      } catch (error) {
        conflict(error, name);
      }
    },
    definitions: async () => (await repository.list()).map((stored) => ({ name: stored.name, ...stored.definition })),
  };
}

function checkName(name: string): string {
  if (!VIRTUAL_SERVER_NAME.test(name)) {
    throw invalid([{ path: 'name', message: 'a virtual server name is 1-63 of a-z 0-9 -, starting with a letter or digit' }]);
  }
  return name;
}

function invalid(problems: RegistryProblem[]): RegistryError {
  const summary = problems.map((problem) => `${problem.path || '(body)'}: ${problem.message}`).join('; ');
  return new RegistryError('REGISTRY_INVALID_VIRTUAL_SERVER', 400, `the virtual server is invalid; fix these and retry: ${summary}`, { problems });
}

function toEntry(stored: StoredVirtualServer): VirtualServerEntry {
  return {
    name: stored.name,
    description: stored.definition.description,
    prefix_mode: stored.definition.prefix_mode,
    members: stored.definition.members,
    revision: stored.revision,
    created_at: stored.createdAt,
    updated_at: stored.updatedAt,
  };
}
