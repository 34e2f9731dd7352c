/** Flow control: rate limits per API key and end user, the cap on concurrent turns, and outbound delivery. */
export * from './decisions.js';
export * from './rate-limit.js';
export * from './throttle-message.js';
export * from './throttle.js';
export * from './turn-gate.js';
export * from './rest-limits.js';
export * from './store-guard.js';
export * from './delivery/index.js';
export * from './deadletter-routes.js';
export * from './wiring.js';
export * from './turn-lease.js';
export * from './instances.js';
export * from './leased-ledger.js';
