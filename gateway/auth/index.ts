/** Authentication: API keys and HS256 JWTs for the REST API and `clawbot token generate`. */
export * from './authenticator.js';
export * from './jwt.js';
export * from './api-keys.js';
export * from './ip-allow-list.js';
