/** The memory engine and each of its seams against the contract suites; docs/engines.md shows this file. */
//#region contract
import { MemoryTaskEngine, MemoryTaskEventBus, MemoryTaskQueue, MemoryTaskStore } from 'taskmcp';
import {
  describeBusContract,
  describeEngineContract,
  describeQueueContract,
  describeStoreContract,
} from 'taskmcp/testing';

describeEngineContract('memory', async (options) => new MemoryTaskEngine(options));
describeStoreContract('memory', async () => new MemoryTaskStore());
describeBusContract('memory', async () => new MemoryTaskEventBus());
describeQueueContract('memory', async () => new MemoryTaskQueue());
//#endregion
