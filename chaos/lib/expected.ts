/**
 * What the fixture's tools return, computed independently by the harness: a result is right only if it is
 * exactly sha256 of the seed the harness chose for that task. Shared by the fixture and the harness so the two
 * cannot drift.
 */
import { createHash } from 'node:crypto';

export const digestOf = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** The fixture's tools: `digest` honours ctx.signal, `stubborn_digest` ignores it. */
export type ChaosTool = 'digest' | 'stubborn_digest';
