import { MemoryTaskEngine, MemoryTaskEventBus, MemoryTaskStore } from 'taskmcp';
import { describeBusContract, describeEngineContract, describeStoreContract } from './contract.js';

describeEngineContract('memory', async (options) => new MemoryTaskEngine(options));
describeStoreContract('memory', async () => new MemoryTaskStore());
describeBusContract('memory', async () => new MemoryTaskEventBus());
