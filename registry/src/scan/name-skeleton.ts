/**
 * Letters from other scripts and symbols that look like Latin letters or digits, mapped to what
 * they imitate. A small table of the usual suspects (Cyrillic, Greek, fullwidth forms are folded by
 * NFKC first), not the whole Unicode confusables list.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', с: 'c', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', т: 't', у: 'y', х: 'x', ԝ: 'w',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ł: 'l', ø: 'o', '0': 'o', '1': 'l', '5': 's', '|': 'l',
};

/**
 * The shape of a name as a reader sees it: NFKC-folded, lower case, look-alike characters replaced,
 * `i` and `l` merged (they pass for each other in many fonts), `rn` as `m`, separators and invisible
 * characters dropped. Two names with one skeleton pass for each other.
 */
export function nameSkeleton(name: string): string {
  const folded = name.normalize('NFKC').toLowerCase();
  let mapped = '';
  for (const character of folded) mapped += LOOK_ALIKES[character] ?? character;
  return mapped
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\s_\-.\u200B-\u200F\u2060-\u2064\uFEFF]/g, '')
    .replace(/rn/g, 'm')
    .replace(/l/g, 'i');
}
