/** Stars from users for servers and agents: one rating per user per item; re-rating replaces. */

export const RATING_KINDS = ['server', 'agent'] as const;
export type RatingKind = (typeof RATING_KINDS)[number];

export interface RatingTarget {
  kind: RatingKind;
  /** Canonical path of the server or agent. */
  path: string;
}

export interface RatingSummary {
  /** Mean of the stars, rounded to two decimals; null when nobody rated. */
  average: number | null;
  count: number;
}

export interface RatingRepository {
  /** Sets the user's stars (1-5) for the item, replacing an earlier rating. */
  rate(target: RatingTarget, user: string, stars: number): Promise<void>;
  summary(target: RatingTarget): Promise<RatingSummary>;
  /** The summary of every rated item of a kind, by path. */
  summaries(kind: RatingKind): Promise<Map<string, RatingSummary>>;
  /** The user's own stars for the item, if any. */
  userRating(target: RatingTarget, user: string): Promise<number | undefined>;
  /** Forgets every rating of an item (it was deleted). */
  removeAll(target: RatingTarget): Promise<void>;
}

export const NO_RATINGS: RatingSummary = Object.freeze({ average: null, count: 0 });

export function ratingSummary(total: number, count: number): RatingSummary {
  return count === 0 ? NO_RATINGS : { average: Math.round((total / count) * 100) / 100, count };
}
