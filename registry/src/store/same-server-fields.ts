import { isDeepStrictEqual } from 'node:util';
import type { ServerFields, StoredServer } from './server-repository.js';

/** Whether a stored server already holds exactly these fields (so writing them would change nothing). */
export function hasSameFields(current: StoredServer, fields: ServerFields): boolean {
  return (Object.keys(fields) as Array<keyof ServerFields>).every((key) => isDeepStrictEqual(current[key], fields[key]));
}
