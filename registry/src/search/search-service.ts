import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { AgentEntry } from '../services/agents/agent-format.js';
import type { ServerEntry } from '../services/server-format.js';
import { bm25Scores } from './bm25.js';
import { cosineSimilarity, type Embedder } from './embeddings-client.js';
import { agentDocument, serverDocument, toolDocuments, type SearchDocument, type SearchHit, type SearchType } from './search-documents.js';
import type { SearchSettings } from './search-settings.js';

/** Below this similarity, a document that matches no keyword is not a result. */
export const MIN_VECTOR_SIMILARITY = 0.3;
export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 100;

/** What the caller may see, already filtered by visibility and UI-Scopes. */
export interface SearchCorpus {
  servers: readonly ServerEntry[];
  agents: readonly AgentEntry[];
  /** Keeps only the tools the caller may see or call; default all tools of the servers. */
  toolFilter?: (serverPath: string, toolName: string) => boolean;
}

export interface SearchRequest {
  query: string;
  types: readonly SearchType[];
  limit: number;
}

export type ScoredHit = SearchHit & { score: number };

export interface SearchAnswer {
  /** `hybrid` when vector similarity took part, `bm25` when it did not (not configured, or the endpoint failed). */
  mode: 'bm25' | 'hybrid';
  results: ScoredHit[];
}

export interface SearchService {
  search(request: SearchRequest, corpus: SearchCorpus): Promise<SearchAnswer>;
}

/**
 * Hybrid ranking: score = bm25Weight x (BM25 / best BM25 of the query) + vectorWeight x cosine
 * similarity, when an embeddings endpoint is configured; BM25 alone otherwise, or when the
 * endpoint fails (logged, and the answer says `mode: bm25`).
 */
export function createSearchService(settings: SearchSettings, embedder: Embedder | undefined, logger: Logger): SearchService {
  return {
    search: async (request, corpus) => {
      const documents = documentsOf(request.types, corpus);
      const keyword = bm25Scores(documents, request.query);
      const best = Math.max(0, ...keyword);
      const normalised = keyword.map((score) => (best === 0 ? 0 : score / best));
      const similarities = embedder && documents.length > 0 ? await similaritiesOf(embedder, request.query, documents, logger) : undefined;

      const scored = documents.map((document, index) => {
        const bm25 = normalised[index] ?? 0;
        const similarity = similarities?.[index];
        if (similarity === undefined) return { document, score: bm25, relevant: bm25 > 0 };
        return {
          document,
          score: settings.bm25Weight * bm25 + settings.vectorWeight * Math.max(0, similarity),
          relevant: bm25 > 0 || similarity >= MIN_VECTOR_SIMILARITY,
        };
      });
      const results = scored
        .filter((item) => item.relevant && item.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, request.limit)
        .map(({ document, score }) => ({ ...document.hit, score: Math.round(score * 10_000) / 10_000 }));
      return { mode: similarities ? 'hybrid' : 'bm25', results };
    },
  };
}

function documentsOf(types: readonly SearchType[], corpus: SearchCorpus): SearchDocument[] {
  const documents: SearchDocument[] = [];
  if (types.includes('server')) documents.push(...corpus.servers.map(serverDocument));
  if (types.includes('tool')) {
    const keep = corpus.toolFilter ?? (() => true);
    for (const server of corpus.servers) {
      documents.push(...toolDocuments(server).filter((document) => document.hit.type === 'tool' && keep(server.path, document.hit.name)));
    }
  }
  if (types.includes('agent')) documents.push(...corpus.agents.map(agentDocument));
  return documents;
}

async function similaritiesOf(embedder: Embedder, query: string, documents: SearchDocument[], logger: Logger): Promise<number[] | undefined> {
  try {
    const [queryVector, ...vectors] = await embedder.embed([query, ...documents.map((document) => document.embeddingText)]);
    return vectors.map((vector) => cosineSimilarity(queryVector ?? [], vector));
  } catch (error) {
    logger.warn({ err: error, code: (error as { code?: string }).code }, 'vector search unavailable; answering with keyword search only');
    return undefined;
  }
}
