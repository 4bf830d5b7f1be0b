import { createHash } from 'node:crypto';
import type { EmbeddingsSettings } from './search-settings.js';

/** Turns texts into vectors, in order. */
export interface Embedder {
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** How many vectors the cache keeps: documents are embedded once, not on every search. */
export const EMBEDDINGS_CACHE_ENTRIES = 10_000;

export class EmbeddingsError extends Error {
  readonly code = 'REGISTRY_EMBEDDINGS_FAILED';
}

/**
 * A client of an OpenAI-compatible `POST /v1/embeddings` (`{ model, input: [...] }` answered by
 * `{ data: [{ index, embedding }] }`), with a cache by text so that unchanged documents cost nothing.
 */
export function createEmbeddingsClient(settings: EmbeddingsSettings): Embedder {
  const cache = new Map<string, number[]>();
  const keyOf = (text: string): string => createHash('sha256').update(text).digest('base64url');

  const fetchVectors = async (texts: string[]): Promise<number[][]> => {
    let response: Response;
    try {
      response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
        body: JSON.stringify({ model: settings.model, input: texts }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (error) {
      throw new EmbeddingsError(`the embeddings endpoint ${settings.url} did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EmbeddingsError(`the embeddings endpoint ${settings.url} answered HTTP ${response.status}; check EMBEDDINGS_URL, EMBEDDINGS_MODEL and EMBEDDINGS_API_KEY`);
    }
    const body = (await response.json().catch(() => undefined)) as { data?: Array<{ index?: number; embedding?: unknown }> } | undefined;
    const data = body?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new EmbeddingsError(`the embeddings endpoint ${settings.url} did not answer one vector per input`);
    }
    const vectors: number[][] = new Array<number[]>(texts.length);
    data.forEach((item, position) => {
      const embedding = item.embedding;
      if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number')) {
        throw new EmbeddingsError(`the embeddings endpoint ${settings.url} answered a vector that is not a list of numbers`);
      }
      vectors[typeof item.index === 'number' ? item.index : position] = embedding as number[];
    });
    return vectors;
  };

  return {
    embed: async (texts) => {
      const missing = [...new Set(texts.filter((text) => !cache.has(keyOf(text))))];
      const fetched = new Map<string, number[]>();
      if (missing.length > 0) {
        const vectors = await fetchVectors(missing);
        missing.forEach((text, index) => {
          const vector = vectors[index] as number[];
          fetched.set(text, vector);
          if (cache.size >= EMBEDDINGS_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
          cache.set(keyOf(text), vector);
        });
      }
      return texts.map((text) => fetched.get(text) ?? (cache.get(keyOf(text)) as number[]));
    },
  };
}

/** Cosine similarity; 0 when either vector is zero or their lengths differ. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] as number;
    const y = b[index] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
