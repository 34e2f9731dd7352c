/**
 * Authentication: API keys (plain or `sha256:` hashed), HS256 and JWKS-verified JWTs, groups, IP allow-lists,
 * the OAuth2 client-credentials grant and pairing of new clients.
 */
export * from './authenticator.js';
export * from './jwt.js';
export * from './jwks.js';
export * from './api-keys.js';
export * from './groups.js';
export * from './ip-allow-list.js';
export * from './oauth.js';
export * from './pairing/index.js';
export * from './client-access.js';
