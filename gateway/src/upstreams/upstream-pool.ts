import { GatewayError } from '../errors/gateway-error.js';
import type { CompiledRoute, UpstreamTarget } from '../routes/compile-routes.js';
import { BREAKER_DEFAULTS, createCircuitBreaker, type BreakerSettings, type BreakerState, type CircuitBreaker } from './circuit-breaker.js';

export interface BreakerChange {
  server: string;
  /** The replica's position in the route's list. */
  replica: number;
  from: BreakerState;
  to: BreakerState;
}

/** One request's hold on a replica. */
export interface UpstreamLease {
  index: number;
  target: UpstreamTarget;
  /** Reports how the replica answered: false for no connection, a timeout or a 502/503/504. Once. */
  outcome(ok: boolean): void;
  /** Ends the request's count against the replica. Once; a lease without an outcome gives back its probe. */
  release(): void;
}

export interface UpstreamPool {
  /**
   * A replica for a request: `pinned` (a session's) when given, whatever its breaker says, since the
   * session lives only there; otherwise the replica with the fewest requests outstanding among those
   * in rotation, skipping `exclude`. GW_NO_HEALTHY_UPSTREAM when none is.
   */
  lease(route: CompiledRoute, pinned?: number, exclude?: number): UpstreamLease;
  /** The breaker state of each replica of a route, in order (for health and tests). */
  states(route: CompiledRoute): BreakerState[];
}

interface Replica {
  outstanding: number;
  breaker: CircuitBreaker;
}

/**
 * Balances requests over a route's replicas by least outstanding requests, with a circuit breaker per
 * replica. State is kept per server path and upstream URL, so a route table update keeps it.
 */
export function createUpstreamPool(
  settings: BreakerSettings = BREAKER_DEFAULTS,
  onBreakerChange: (change: BreakerChange) => void = () => {},
  now: () => number = () => performance.now(),
): UpstreamPool {
  const replicas = new Map<string, Replica>();
  // The hot path looks a compiled route's replicas up here; the map above carries their state over
  // to the routes of a newer table.
  const byRoute = new WeakMap<CompiledRoute, Replica[]>();
  let turn = 0;

  const replicaOf = (route: CompiledRoute, index: number): Replica => {
    let list = byRoute.get(route);
    if (!list) {
      list = route.replicas.map((_target, position) => stateOf(route, position));
      byRoute.set(route, list);
    }
    return list[index] as Replica;
  };

  const stateOf = (route: CompiledRoute, index: number): Replica => {
    const target = route.replicas[index] as UpstreamTarget;
    const key = `${route.path} ${target.origin}${target.basePath}?${target.query}`;
    let replica = replicas.get(key);
    if (!replica) {
      replica = {
        outstanding: 0,
        breaker: createCircuitBreaker(settings, (from, to) => onBreakerChange({ server: route.path, replica: index, from, to })),
      };
      replicas.set(key, replica);
    }
    return replica;
  };

  /** `probe`: the lease holds its replica's half-open probe, to give back if it decides nothing. */
  const leaseOf = (route: CompiledRoute, index: number, replica: Replica, probe: boolean): UpstreamLease => {
    replica.outstanding += 1;
    let reported = false;
    let released = false;
    return {
      index,
      target: route.replicas[index] as UpstreamTarget,
      outcome(ok) {
        if (reported) return;
        reported = true;
        if (ok) replica.breaker.succeeded();
        else replica.breaker.failed(now());
      },
      release() {
        if (released) return;
        released = true;
        replica.outstanding -= 1;
        if (!reported && probe) replica.breaker.released();
      },
    };
  };

  return {
    lease(route, pinned, exclude) {
      const count = route.replicas.length;
      if (pinned !== undefined) {
        const replica = replicaOf(route, pinned);
        const probe = replica.breaker.state !== 'closed' && replica.breaker.tryAcquire(now());
        return leaseOf(route, pinned, replica, probe);
      }
      const at = now();
      let best: { index: number; replica: Replica } | undefined;
      turn = (turn + 1) % count;
      for (let step = 0; step < count; step += 1) {
        const index = (turn + step) % count;
        if (index === exclude) continue;
        const replica = replicaOf(route, index);
        if (!replica.breaker.available(at)) continue;
        if (!best || replica.outstanding < best.replica.outstanding) best = { index, replica };
      }
      if (!best || !best.replica.breaker.tryAcquire(at)) {
        throw new GatewayError('GW_NO_HEALTHY_UPSTREAM', `every replica of ${route.path} is failing and out of rotation; try again shortly`, {
          data: { server: route.path },
          headers: { 'retry-after': String(Math.ceil(settings.coolDownMs / 1000)) },
        });
      }
      return leaseOf(route, best.index, best.replica, best.replica.breaker.state === 'half-open');
    },
    states: (route) => route.replicas.map((_target, index) => replicaOf(route, index).breaker.state),
  };
}
