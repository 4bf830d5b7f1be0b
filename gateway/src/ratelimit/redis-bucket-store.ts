import type { Redis } from 'ioredis';
import { capacityOf, refillPerMs } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import type { BucketStore } from './bucket-store.js';

/**
 * Checks every bucket, then takes from all or none, in one atomic step on Redis's clock, so that
 * gateways on several hosts share each bucket exactly. KEYS are the buckets; ARGV holds capacity,
 * refill per millisecond and cost for each. Returns {0, 0}, or the wait in milliseconds and the
 * (1-based) bucket that must wait longest.
 */
const TAKE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local levels = {}
local wait = 0
local blocking = 0
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local cost = math.min(tonumber(ARGV[3 * i]), capacity)
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens = tonumber(state[1])
  local at = tonumber(state[2])
  if tokens == nil or at == nil then
    tokens = capacity
  else
    tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  end
  levels[i] = tokens
  if tokens < cost and math.ceil((cost - tokens) / rate) > wait then
    wait = math.ceil((cost - tokens) / rate)
    blocking = i
  end
end
if wait > 0 then
  return {wait, blocking}
end
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local tokens = levels[i] - math.min(tonumber(ARGV[3 * i]), capacity)
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - tokens) / rate) + 1000)
end
return {0, 0}
`;

type TakeCommand = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<[number, number]>;

/** Token buckets in Redis (REDIS_URL), shared by every gateway using the same Redis and key prefix. */
export function createRedisBucketStore(client: Redis): BucketStore {
  client.defineCommand('mcpgwTakeTokens', { lua: TAKE_SCRIPT });
  const takeTokens = (client as unknown as { mcpgwTakeTokens: TakeCommand }).mcpgwTakeTokens.bind(client);
  return {
    async take(takes) {
      const args: Array<string | number> = takes.map((take) => `rl:${take.key}`);
      for (const take of takes) args.push(capacityOf(take.limit), refillPerMs(take.limit), take.cost);
      const [waitMs, blocking] = await takeTokens(takes.length, ...args);
      return { waitMs: Number(waitMs), blocking: Number(blocking) - 1 };
    },
    close: async () => {},
  };
}
