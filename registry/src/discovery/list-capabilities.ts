import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ListedItem } from '../store/health-repository.js';

export interface ListedCapabilities {
  tools: ListedItem[];
  prompts: ListedItem[];
  resources: ListedItem[];
}

/** A server that never stops handing out cursors is cut off after this many pages of one list. */
export const MAX_PAGES = 100;

interface Page {
  items: ListedItem[];
  nextCursor?: string | undefined;
}

/**
 * Lists a connected server's tools, prompts and resources, following nextCursor to the end, each
 * only when the server declared the capability at initialize.
 */
export async function listCapabilities(client: Client, timeoutMs: number): Promise<ListedCapabilities> {
  const declared = client.getServerCapabilities() ?? {};
  const options = { timeout: timeoutMs };
  const params = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });
  const tools = declared.tools
    ? await allPages(async (cursor) => {
        const answer = await client.listTools(params(cursor), options);
        return { items: answer.tools, nextCursor: answer.nextCursor };
      })
    : [];
  const prompts = declared.prompts
    ? await allPages(async (cursor) => {
        const answer = await client.listPrompts(params(cursor), options);
        return { items: answer.prompts, nextCursor: answer.nextCursor };
      })
    : [];
  const resources = declared.resources
    ? await allPages(async (cursor) => {
        const answer = await client.listResources(params(cursor), options);
        return { items: answer.resources, nextCursor: answer.nextCursor };
      })
    : [];
  return { tools, prompts, resources };
}

async function allPages(fetchPage: (cursor: string | undefined) => Promise<Page>): Promise<ListedItem[]> {
  const items: ListedItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await fetchPage(cursor);
    items.push(...answer.items);
    if (answer.nextCursor === undefined || answer.nextCursor === '') return items;
    cursor = answer.nextCursor;
  }
  throw new Error(`the server kept answering nextCursor after ${MAX_PAGES} pages; it lists in a loop`);
}
