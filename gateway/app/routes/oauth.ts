import express, { Router } from 'express';
import type { Logger } from '../../../core/logger.js';
import { OAuthError, type TokenEndpoint } from '../../auth/index.js';

/**
 * `POST /api/v1/oauth/token`: the OAuth2 client-credentials grant, form-encoded or JSON. Errors answer in the
 * RFC 6749 §5.2 shape, `{"error": "invalid_client", "error_description": "..."}`; responses are not cached.
 */
export function oauthRoutes(deps: { endpoint: TokenEndpoint; bodyLimit: number; log: Logger }): Router {
  const router = Router();
  router.post(
    '/api/v1/oauth/token',
    express.urlencoded({ extended: false, limit: deps.bodyLimit, parameterLimit: 20 }),
    async (req, res) => {
      res.set('Cache-Control', 'no-store');
      res.set('Pragma', 'no-cache');
      try {
        const token = await deps.endpoint.issue({
          authorization: req.headers.authorization,
          body: req.body as unknown,
          ip: req.ip,
        });
        res.json(token);
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        if (error.status >= 500) deps.log.error({ error: error.error, err: error.message }, 'token endpoint failed');
        if (error.error === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="clawbot", charset="UTF-8"');
        res.status(error.status).json(error.toJSON());
      }
    },
  );
  return router;
}
