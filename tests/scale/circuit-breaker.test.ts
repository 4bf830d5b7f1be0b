import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCircuitBreaker, type BreakerState } from '../../gateway/src/upstreams/circuit-breaker.js';

describe('circuit breaker', () => {
  const make = () => {
    const changes: string[] = [];
    const breaker = createCircuitBreaker({ failureThreshold: 3, coolDownMs: 1000 }, (from: BreakerState, to: BreakerState) => changes.push(`${from}>${to}`));
    return { breaker, changes };
  };

  test('opens after consecutive failures only; a success resets the count', () => {
    const { breaker, changes } = make();
    breaker.failed(0);
    breaker.failed(0);
    breaker.succeeded();
    breaker.failed(0);
    breaker.failed(0);
    assert.equal(breaker.state, 'closed');
    breaker.failed(10);
    assert.equal(breaker.state, 'open');
    assert.deepEqual(changes, ['closed>open']);
  });

  test('while open nothing passes; after the cool-down exactly one probe does', () => {
    const { breaker, changes } = make();
    for (let i = 0; i < 3; i += 1) breaker.failed(0);
    assert.equal(breaker.tryAcquire(999), false);
    assert.equal(breaker.available(999), false);
    assert.equal(breaker.available(1000), true);
    assert.equal(breaker.tryAcquire(1000), true);
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.tryAcquire(1000), false, 'one probe at a time');
    assert.equal(breaker.available(5000), false);
    breaker.succeeded();
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(changes, ['closed>open', 'open>half-open', 'half-open>closed']);
  });

  test('a failed probe opens it for another cool-down; a released probe lets the next one try', () => {
    const { breaker } = make();
    for (let i = 0; i < 3; i += 1) breaker.failed(0);
    assert.equal(breaker.tryAcquire(1000), true);
    breaker.failed(1000);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.tryAcquire(1999), false);
    assert.equal(breaker.tryAcquire(2000), true);
    breaker.released();
    assert.equal(breaker.tryAcquire(2000), true, 'a probe whose client went away decided nothing');
  });
});
