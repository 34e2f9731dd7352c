/** Pairing of new API clients: codes, hashed secrets, the pure state machine, file and Redis stores, the service. */
export * from './codes.js';
export * from './secrets.js';
export * from './state.js';
export * from './store.js';
export * from './file-store.js';
export * from './redis-store.js';
export * from './service.js';
export * from './from-config.js';
