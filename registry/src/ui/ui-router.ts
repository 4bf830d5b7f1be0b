import { Router, type Response } from 'express';
import { RegistryError } from '../errors/registry-error.js';
import { loadUiAssets, type UiAssets } from './ui-assets.js';
import { renderIndexHtml, type UiPageSettings } from './render-index-html.js';
import { uiSecurityHeaders } from './ui-security-headers.js';

export const UI_PATH = '/ui';
export const UI_ASSETS_PATH = `${UI_PATH}/assets`;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface UiRouterOptions extends UiPageSettings {
  /** The UI as loaded at start-up; default: registry/ui, undefined when it was not built. */
  assets?: UiAssets | undefined;
}

/**
 * The web UI: `/` redirects to `/ui/`; `/ui/` and every page under it answer the one page (the
 * client picks the view from the URL); `/ui/assets/<version>/…` answers the scripts and styles,
 * cached for good since a new build changes the version. Nothing outside `/` and `/ui` is touched.
 */
export function uiRouter(options: UiRouterOptions): Router {
  const assets = 'assets' in options ? options.assets : loadUiAssets();
  const router = Router();
  const assetsUrl = assets === undefined ? '' : `${UI_ASSETS_PATH}/${assets.version}`;
  const page = assets === undefined ? undefined : renderIndexHtml(assets.indexHtml, assetsUrl, options);

  router.get('/', (_request, response) => {
    response.redirect(302, `${UI_PATH}/`);
  });
  router.use(UI_PATH, uiSecurityHeaders());
  router.get(`${UI_ASSETS_PATH}/:version/*file`, (request, response) => {
    const file = (request.params as Record<string, unknown>).file;
    const name = Array.isArray(file) ? file.join('/') : String(file);
    const asset = request.params.version === assets?.version ? assets.files.get(name) : undefined;
    if (asset === undefined) {
      throw new RegistryError('REGISTRY_NOT_FOUND', 404, `no web UI asset at ${request.path}; reload the page to get the current version`);
    }
    response.set({ 'Cache-Control': IMMUTABLE, 'Content-Type': asset.contentType }).send(asset.body);
  });
  router.get([UI_PATH, `${UI_PATH}/*page`], (request, response) => {
    if (request.path === UI_PATH) {
      response.redirect(302, `${UI_PATH}/`);
      return;
    }
    sendPage(response, page);
  });
  return router;
}

function sendPage(response: Response, page: string | undefined): void {
  if (page === undefined) {
    throw new RegistryError('REGISTRY_UI_NOT_BUILT', 503, 'the web UI is not built; run `npx tsc -b` (or `npm run build`) and restart the registry');
  }
  response.set({ 'Cache-Control': 'no-cache', 'Content-Type': 'text/html; charset=utf-8' }).send(page);
}
