/** The OpenAPI 3.1 document served at `GET /api/v1/openapi.json`. */
export * from './types.js';
export * from './document.js';
export * from './load.js';
