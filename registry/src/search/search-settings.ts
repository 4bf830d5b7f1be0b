import { envOptional } from '@mcpgw/lib/config/env.js';

export const DEFAULT_BM25_WEIGHT = 0.5;
export const DEFAULT_VECTOR_WEIGHT = 0.5;
export const DEFAULT_EMBEDDINGS_TIMEOUT_MS = 5000;

/** An OpenAI-compatible embeddings endpoint (OpenAI, LiteLLM, vLLM, Ollama's /v1). */
export interface EmbeddingsSettings {
  /** POST target, e.g. http://litellm:4000/v1/embeddings. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export interface SearchSettings {
  /** How much the keyword (BM25) score counts; with vectors, the similarity gets `vectorWeight`. */
  bm25Weight: number;
  vectorWeight: number;
  /** Absent: keyword search only. */
  embeddings?: EmbeddingsSettings;
}

/**
 * EMBEDDINGS_PROVIDER: unset or `none` for keyword search only, `openai` for an OpenAI-compatible
 * HTTP endpoint (EMBEDDINGS_URL, the base URL or the full /v1/embeddings URL; EMBEDDINGS_MODEL;
 * EMBEDDINGS_API_KEY optional). `onnx` (a local sentence-transformers model) is not offered and is
 * refused rather than ignored. SEARCH_BM25_WEIGHT and SEARCH_VECTOR_WEIGHT weigh the two scores.
 * Every problem is reported at once.
 */
export function searchSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SearchSettings {
  const problems: string[] = [];
  const weight = (name: string, fallback: number): number => {
    const raw = envOptional(name, env);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) problems.push(`${name} must be a number of at least 0, got ${JSON.stringify(raw)}`);
    return value;
  };
  const bm25Weight = weight('SEARCH_BM25_WEIGHT', DEFAULT_BM25_WEIGHT);
  const vectorWeight = weight('SEARCH_VECTOR_WEIGHT', DEFAULT_VECTOR_WEIGHT);
  const provider = (envOptional('EMBEDDINGS_PROVIDER', env) ?? 'none').toLowerCase();
  let embeddings: EmbeddingsSettings | undefined;
  if (provider === 'openai') {
    const url = envOptional('EMBEDDINGS_URL', env);
    const model = envOptional('EMBEDDINGS_MODEL', env);
    if (url === undefined || !/^https?:\/\/[^/]/.test(url)) problems.push('EMBEDDINGS_PROVIDER=openai needs EMBEDDINGS_URL, an http(s) URL such as http://litellm:4000');
    if (model === undefined) problems.push('EMBEDDINGS_PROVIDER=openai needs EMBEDDINGS_MODEL, e.g. text-embedding-3-small');
    const apiKey = envOptional('EMBEDDINGS_API_KEY', env);
    if (url !== undefined && model !== undefined) embeddings = { url: embeddingsEndpoint(url), model, timeoutMs: DEFAULT_EMBEDDINGS_TIMEOUT_MS, ...(apiKey ? { apiKey } : {}) };
  } else if (provider === 'onnx') {
    problems.push('EMBEDDINGS_PROVIDER=onnx is not available in this registry; serve the model behind an OpenAI-compatible endpoint and set EMBEDDINGS_PROVIDER=openai');
  } else if (provider !== 'none') {
    problems.push(`EMBEDDINGS_PROVIDER must be none or openai, got ${JSON.stringify(provider)}`);
  }
  if (problems.length > 0) throw new Error(`invalid search settings:\n  ${problems.join('\n  ')}`);
  return Object.freeze({ bm25Weight, vectorWeight, ...(embeddings ? { embeddings } : {}) });
}

/** The /v1/embeddings URL of a base URL; a URL that already ends in /embeddings is kept. */
export function embeddingsEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  if (trimmed.endsWith('/embeddings')) return trimmed;
  return trimmed.endsWith('/v1') ? `${trimmed}/embeddings` : `${trimmed}/v1/embeddings`;
}
