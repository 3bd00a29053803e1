/** Draws fuzz cases of one era, each kind as often as its weight. */
import type { Era, FuzzCase, Targets } from './cases.js';
import { Requests } from './cases.js';
import { batch, brokenJson, deep, headers, httpMethod, huge, shape } from './payload-cases.js';
import { brokenEnvelope, postedAnswer, taskMethod, toolCall, valid } from './protocol-cases.js';
import type { Rng } from './random.js';

export class CaseGenerator {
  private readonly requests: Requests;
  private readonly kinds: ReadonlyArray<readonly [number, (requests: Requests) => FuzzCase]>;

  constructor(rng: Rng, era: Era, targets: Targets) {
    this.requests = new Requests(rng, era, targets);
    this.kinds = [
      [10, valid],
      [20, toolCall],
      [25, taskMethod],
      [6, postedAnswer],
      [era === 'modern' ? 5 : 0, brokenEnvelope],
      [8, shape],
      [8, brokenJson],
      [10, headers],
      [3, httpMethod],
      [4, batch],
      [1.5, huge],
      [3, deep],
    ];
  }

  next(): FuzzCase {
    return this.requests.rng.weighted(this.kinds)(this.requests);
  }
}
