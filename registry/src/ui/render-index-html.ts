/** What the page needs to know about this installation, rendered into it. */
export interface UiPageSettings {
  /** The gateway's public URL, for the assistant configuration snippets. */
  gatewayUrl: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The page with its asset URLs and settings filled in, every value escaped for an attribute. */
export function renderIndexHtml(template: string, assetsUrl: string, settings: UiPageSettings): string {
  const values: Record<string, string> = { ASSETS: assetsUrl, GATEWAY_URL: settings.gatewayUrl };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, key: string) => {
    const value = values[key];
    return value === undefined ? placeholder : escapeAttribute(value);
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}
