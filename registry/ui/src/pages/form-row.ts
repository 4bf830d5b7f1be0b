import { el } from '../dom.js';

/**
 * A labelled control with the slot where the API's problems with it are shown (`error-<name>`,
 * registered in `errors` under the field's name) and an optional hint.
 */
export function formRow(errors: Map<string, HTMLElement>, name: string, label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  control.id = `field-${name}`;
  const error = el('p', { class: 'field-error', id: `error-${name}`, hidden: true, 'aria-live': 'polite' });
  errors.set(name, error);
  control.setAttribute('aria-describedby', `error-${name}${hint ? ` hint-${name}` : ''}`);
  return el('div', { class: 'field' }, el('label', { for: `field-${name}` }, label), control, error, hint ? el('p', { class: 'hint', id: `hint-${name}` }, hint) : null);
}
