import { z } from 'zod';
import { RegistryError } from '../errors/registry-error.js';
import type { RatingKind, RatingRepository, RatingSummary, RatingTarget } from '../store/rating-repository.js';

export const MIN_STARS = 1;
export const MAX_STARS = 5;

/** What the rating endpoints answer: the item's aggregate and the caller's own stars. */
export interface RatingView extends RatingSummary {
  your_rating: number | null;
}

export interface RatingService {
  /** Sets the user's stars for the item (replacing an earlier rating) and answers the new aggregate. */
  rate(target: RatingTarget, user: string, stars: number): Promise<RatingView>;
  view(target: RatingTarget, user: string): Promise<RatingView>;
  summary(target: RatingTarget): Promise<RatingSummary>;
  summaries(kind: RatingKind): Promise<Map<string, RatingSummary>>;
  /** Forgets an item's ratings (it was deleted), so that a new item on its path starts unrated. */
  forget(target: RatingTarget): Promise<void>;
}

export function createRatingService(ratings: RatingRepository): RatingService {
  const view = async (target: RatingTarget, user: string): Promise<RatingView> => ({
    ...(await ratings.summary(target)),
    your_rating: (await ratings.userRating(target, user)) ?? null,
  });
  return {
    rate: async (target, user, stars) => {
      await ratings.rate(target, user, stars);
      return view(target, user);
    },
    view,
    summary: (target) => ratings.summary(target),
    summaries: (kind) => ratings.summaries(kind),
    forget: (target) => ratings.removeAll(target),
  };
}

const ratingBodySchema = z.strictObject({ rating: z.number().int().min(MIN_STARS).max(MAX_STARS) });

/** The stars of `{ "rating": 1-5 }`; REGISTRY_INVALID_RATING otherwise. */
export function parseRating(body: unknown): number {
  const result = ratingBodySchema.safeParse(body);
  if (result.success) return result.data.rating;
  throw new RegistryError('REGISTRY_INVALID_RATING', 400, `send { "rating": N } with N a whole number of stars from ${MIN_STARS} to ${MAX_STARS}`);
}
