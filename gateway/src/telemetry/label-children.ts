/**
 * prom-client label children kept in nested maps, one level per label, so that finding the child
 * for a label combination seen before allocates nothing (no key string, no label object). Unused
 * trailing labels are passed as ''.
 */
export class LabelChildren<T> {
  readonly #root = new Map<string, Map<string, Map<string, Map<string, T>>>>();

  constructor(readonly make: (a: string, b: string, c: string, d: string) => T) {}

  get(a: string, b = '', c = '', d = ''): T {
    let first = this.#root.get(a);
    if (first === undefined) this.#root.set(a, (first = new Map()));
    let second = first.get(b);
    if (second === undefined) first.set(b, (second = new Map()));
    let third = second.get(c);
    if (third === undefined) second.set(c, (third = new Map()));
    let child = third.get(d);
    if (child === undefined) third.set(d, (child = this.make(a, b, c, d)));
    return child;
  }
}
