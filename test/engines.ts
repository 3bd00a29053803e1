/**
 * The engines every end-to-end suite runs against. Each entry creates a fresh engine setting for one server;
 * suites use `describe.each(engineCases)` so a new engine is covered by adding it here.
 */
import type { TaskEngine } from 'taskmcp';
import { MemoryTaskEngine } from 'taskmcp';
import { redisEngine, requireRedis } from './redis.js';

export interface EngineCase {
  name: string;
  /** A new engine (or engine URL) for one server instance. */
  engine: () => TaskEngine | string;
}

export const engineCases: EngineCase[] = [{ name: 'memory', engine: () => new MemoryTaskEngine() }];

if (await requireRedis()) engineCases.push({ name: 'redis', engine: () => redisEngine() });
