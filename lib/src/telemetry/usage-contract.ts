import { z } from 'zod';

/**
 * What the gateway and the auth-server send the registry about usage (POST /internal/usage, with the
 * internal token): batches of records, never a token or a raw URL. The registry owns the data; this
 * module owns the shape.
 */
export const USAGE_INGEST_PATH = '/internal/usage';
export const MAX_USAGE_BATCH = 1000;

export const usageRecordSchema = z.strictObject({
  /** `tool`: a tools/call through the gateway; `auth`: an access check; `discovery`: a registry search. */
  kind: z.enum(['tool', 'auth', 'discovery']),
  /** When it happened, ISO 8601. */
  at: z.iso.datetime({ offset: true }),
  serverPath: z.string().max(512).nullable(),
  tool: z.string().max(256).nullable(),
  /** The caller's OAuth client id (not its user), when known. */
  clientId: z.string().max(256).nullable(),
  success: z.boolean(),
  /** A stable code (AUTH_TOKEN_EXPIRED, GW_UPSTREAM_TIMEOUT, http_500) when it failed. */
  reason: z.string().max(128).nullable(),
  durationMs: z.number().nonnegative().max(86_400_000).nullable(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

export const usageBatchSchema = z.strictObject({
  records: z.array(usageRecordSchema).min(1).max(MAX_USAGE_BATCH),
  /** Records the sender dropped since its previous batch because its queue was full. */
  dropped: z.number().int().nonnegative().default(0),
});
export type UsageBatch = z.infer<typeof usageBatchSchema>;
