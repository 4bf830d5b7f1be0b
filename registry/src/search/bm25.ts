import { tokenize } from './tokenize.js';

/**
 * Okapi BM25 over small in-memory collections (the registry's servers, tools and agents). Written
 * here rather than taken from a package: none of the project's dependencies does it, the scoring is
 * a few lines, and a full-text engine (minisearch, lunr) would bring an index format and tokenizer
 * of its own that the hybrid ranking does not need.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface Bm25Document {
  /** Fields with a weight each: a term in the name counts more than one in the description. */
  fields: ReadonlyArray<{ text: string; weight: number }>;
}

/** The BM25 score of each document for the query, in document order; 0 where no term matches. */
export function bm25Scores(documents: readonly Bm25Document[], query: string): number[] {
  const queryTerms = [...new Set(tokenize(query))];
  if (queryTerms.length === 0 || documents.length === 0) return documents.map(() => 0);
  const termCounts = documents.map(weightedTermCounts);
  const lengths = termCounts.map((counts) => [...counts.values()].reduce((sum, count) => sum + count, 0));
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / documents.length || 1;
  const documentFrequency = new Map(queryTerms.map((term) => [term, termCounts.filter((counts) => counts.has(term)).length]));

  return termCounts.map((counts, index) => {
    const lengthNorm = 1 - BM25_B + BM25_B * ((lengths[index] ?? 0) / averageLength);
    let score = 0;
    for (const term of queryTerms) {
      const frequency = counts.get(term) ?? 0;
      if (frequency === 0) continue;
      const containing = documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
      score += idf * ((frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * lengthNorm));
    }
    return score;
  });
}

function weightedTermCounts(document: Bm25Document): Map<string, number> {
  const counts = new Map<string, number>();
  for (const field of document.fields) {
    for (const term of tokenize(field.text)) counts.set(term, (counts.get(term) ?? 0) + field.weight);
  }
  return counts;
}
