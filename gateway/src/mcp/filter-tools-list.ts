import { filterListAnswers } from './filter-list-answers.js';

/** The tools a caller may see in a tools/list answer: all of them, or these names. */
export type ToolAllowance = '*' | ReadonlySet<string>;

/** The allowance for the response with this id, or undefined to leave that response alone. */
export type AllowanceForId = (id: unknown) => ToolAllowance | undefined;

/** filterListAnswers for tools/list answers alone, with the tools named exactly. */
export function filterToolsList(text: string, allowanceFor: AllowanceForId): string | undefined {
  return filterListAnswers(text, (id) => {
    const allowance = allowanceFor(id);
    if (allowance === undefined) return undefined;
    return { 'tools/list': allowance === '*' ? '*' : (name: string) => allowance.has(name) };
  });
}
