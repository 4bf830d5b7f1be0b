import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@mcpgw/lib/files/atomic-write.js';
import { configDirectory } from '@mcpgw/lib/oauth/stored-login.js';
import { CliError } from '../cli-error.js';

/** What `mcpgw agent-account create` keeps so that `mcpgw token --agent-id` can fetch tokens later. */
const agentFileSchema = z.strictObject({
  agent_id: z.string(),
  client_id: z.string(),
  client_secret: z.string(),
  keycloak_url: z.string(),
  realm: z.string(),
  groups: z.array(z.string()),
  token: z.strictObject({ access_token: z.string(), expires_at: z.number().optional() }).optional(),
});
export type AgentFile = z.infer<typeof agentFileSchema>;

function agentFilePath(env: NodeJS.ProcessEnv, agentId: string): string {
  return path.join(configDirectory(env), 'agents', `${agentId}.json`);
}

/** Written 0600 in a 0700 directory: the file holds the agent's client secret. */
export async function saveAgentFile(env: NodeJS.ProcessEnv, agent: AgentFile): Promise<string> {
  const file = agentFilePath(env, agent.agent_id);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(file), 0o700);
  await writeFileAtomic(file, `${JSON.stringify(agent, null, 2)}\n`, 0o600);
  return file;
}

export function loadAgentFile(env: NodeJS.ProcessEnv, agentId: string): AgentFile {
  const file = agentFilePath(env, agentId);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('CLI_FILE_UNREADABLE', `no credentials for agent ${agentId} at ${file}; create the account with "mcpgw agent-account create --agent-id ${agentId}"`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError('CLI_FILE_INVALID', `${file} is not JSON; delete it and create the account again`, { cause: error });
  }
  const result = agentFileSchema.safeParse(parsed);
  if (!result.success) throw new CliError('CLI_FILE_INVALID', `${file} is not an agent credentials file: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}
