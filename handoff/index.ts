/** Human handoff: the state machine, queue stores, live events, agent accounts, the pipeline gate and the agent desk. */
export * from './state-machine.js';
export * from './notices.js';
export * from './assignment.js';
export * from './stats.js';
export * from './commands.js';
export * from './delivery.js';
export * from './service.js';
export * from './desk.js';
export * from './gate.js';
export * from './sweeper.js';
export * from './agents/types.js';
export * from './agents/password.js';
export { createFileAgentDirectory } from './agents/file-directory.js';
export { createRedisAgentDirectory, type RedisAgentDirectoryOptions } from './agents/redis-directory.js';
export { createInProcessHandoffQueue, type InProcessQueueOptions } from './store/in-process-queue.js';
export { createRedisHandoffQueue, type RedisQueueOptions } from './store/redis-queue.js';
export { createInProcessHandoffEvents } from './events/in-process-events.js';
export { createRedisHandoffEvents, type RedisEventsOptions } from './events/redis-events.js';
