/**
 * taskmcp/testing: the contract suites every task engine passes, for vitest. A new engine (or a new store, event
 * bus or queue for `ComposedTaskEngine`) proves itself by registering them from a test file:
 *
 *   describeEngineContract('mine', async (options) => new MyEngine(options));
 *
 * The memory and Redis engines run these same suites. `vitest` is an optional peer dependency, needed only here.
 * `eventually` is the condition-polling helper the suites use, for an engine's own tests.
 */
export { describeBusContract } from './bus.js';
export { describeEngineContract } from './engine.js';
export { describeQueueContract, type QueueContractOptions } from './queue.js';
export { describeSessionEventsContract } from './session-events.js';
export { describeStoreContract } from './store.js';
export { eventually } from './support.js';
