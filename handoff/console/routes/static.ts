/** Serves the console's static files at /console (no CDN; strict Content-Security-Policy). */
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** Where the console's HTML, CSS and JavaScript live. */
export const CONSOLE_STATIC_DIR = fileURLToPath(new URL('../static/', import.meta.url));

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The /console router. */
export function consoleStaticRoutes(): Router {
  const router = Router();
  // Express matches "/console/" here too (non-strict routing): only the bare path is redirected.
  router.get('/console', (req, res, next) => {
    if (req.path === '/console') res.redirect(301, '/console/');
    else next();
  });
  router.use(
    '/console',
    (_req, res, next) => {
      res.set({
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-cache',
      });
      next();
    },
    express.static(CONSOLE_STATIC_DIR, { index: 'index.html', redirect: false, dotfiles: 'ignore' }),
  );
  return router;
}
