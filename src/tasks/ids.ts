import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn from the OS CSPRNG in batches: one `randomBytes(16)` per task costs a call into OpenSSL and a
 * new buffer each time (3-4 % of the server's CPU on a task round trip), as `crypto.randomUUID` avoids with its own
 * cache. The bytes are the same CSPRNG output; each is handed out once.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function randomChars(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return text;
}

/**
 * A new task id: 128 random bits from the OS CSPRNG, base64url (22 characters).
 * Task ids act as bearer capabilities for anonymous callers, so they must be unguessable; base64url also keeps
 * them free of ':' (BullMQ job ids may not contain it) and never all digits.
 */
export function newTaskId(): string {
  return `t${randomChars(16)}`;
}

/** A key for one input request, unique for the life of the task (never reused across rounds). */
export function newInputKey(): string {
  return `in_${randomChars(12)}`;
}
