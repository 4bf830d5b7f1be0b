import { api } from '../api-client.js';
import { assistantSnippets, connectionTarget, TOKEN_PLACEHOLDER } from '../assistant-snippets.js';
import { append, el, replaceChildren } from '../dom.js';
import type { ServerEntry } from '../types.js';
import { button, link, messageArea, pageHeader } from '../widgets.js';

/** The configuration to paste into a coding assistant to reach one server through the gateway. */
export async function renderConnectPage(view: HTMLElement, serverPath: string, gatewayUrl: string): Promise<void> {
  const messages = messageArea();
  replaceChildren(view, pageHeader(`Connect your assistant to ${serverPath}`, link('/', 'Back to servers')), messages.element);
  let server: ServerEntry;
  try {
    server = (await api<ServerEntry>('GET', `/api/servers${serverPath}`)).body;
  } catch (error) {
    messages.showError(error);
    return;
  }
  const target = connectionTarget(gatewayUrl, server.path, server.supported_transports);
  append(
    view,
    el(
      'p',
      {},
      'Gateway URL of ',
      el('strong', {}, server.server_name),
      ': ',
      el('code', { class: 'gateway-url' }, target.url),
      `. Replace ${TOKEN_PLACEHOLDER} with a gateway token: create one on `,
      link('/me', 'your page'),
      ' or with ',
      el('code', {}, 'npx mcpgw token'),
      '.',
    ),
    ...assistantSnippets(target).map((snippet) => {
      const code = el('code', {}, snippet.text);
      const copy = button('Copy', () => {
        void navigator.clipboard.writeText(snippet.text).then(
          () => messages.show('success', `The ${snippet.assistant} configuration is copied.`),
          () => messages.show('error', 'The browser refused to copy; select the text and copy it by hand.'),
        );
      });
      return el(
        'section',
        { class: 'snippet', 'aria-label': snippet.assistant },
        el('h2', {}, snippet.assistant),
        el('p', { class: 'hint' }, snippet.where),
        el('pre', {}, code),
        copy,
      );
    }),
  );
}
