/** Outbound delivery: a queue with retries, exponential back-off and dead letters (BullMQ with Redis). */
export * from './types.js';
export * from './policy.js';
export { createInProcessDeliveryQueue, type InProcessDeliveryDeps } from './in-process-queue.js';
export {
  createRedisDeliveryQueue,
  deliveryPrefix,
  DELIVERY_QUEUE,
  type RedisDeliveryDeps,
  type RedisDeliveryOptions,
} from './bullmq-queue.js';
