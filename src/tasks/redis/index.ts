/** taskmcp/redis: the Redis engine (BullMQ + ioredis, optional peer dependencies loaded only when used). */
export { RedisTaskEventBus } from './bus.js';
export {
  REDIS_LEASE_MS,
  REDIS_STALLED_CHECK_MS,
  RedisTaskEngine,
  type RedisTaskEngineOptions,
} from './engine.js';
export { type RedisKeys, redisKeys } from './keys.js';
export { BullMQTaskQueue } from './queue.js';
export { RedisSessionEventLog } from './session-events.js';
export { RedisSessionRelay } from './session-relay.js';
export { RedisTaskStore } from './store.js';
