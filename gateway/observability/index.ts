/** Observability: Prometheus metrics, request ids, the HTTP metrics middleware and the audit log. */
export * from './metrics.js';
export * from './request-id.js';
export * from './http-metrics.js';
export * from './metrics-route.js';
export * from './audit.js';
export * from './http-audit.js';
export * from './instrument.js';
export * from './gpu.js';
export * from './wiring.js';
export * from './openapi-document.js';
export * from './cli-audit.js';
export * from './request-context.js';
export * from './secret-scrub.js';
export * from './gateway-logger.js';
