import { StackError } from './stack-error.js';
import type { ServiceProcess } from './spawn-service.js';

const POLL_MS = 150;
const REQUEST_TIMEOUT_MS = 1000;

/**
 * Polls GET `url` until it answers 200. Fails when the child exits first or `timeoutMs` passes.
 */
export async function waitForHealth(url: string, child: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      const { code, signal } = await child.exited;
      throw new StackError('STACK_CHILD_EXITED', `${child.name} exited (${signal ?? `code ${code}`}) before ${url} answered; see its output above`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, POLL_MS)), child.exited]);
  }
  throw new StackError('STACK_HEALTH_TIMEOUT', `${child.name} did not answer ${url} within ${timeoutMs} ms (last: ${last})`);
}
