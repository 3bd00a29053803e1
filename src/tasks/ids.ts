import { randomBytes } from 'node:crypto';

/**
 * A new task id: 128 random bits from the OS CSPRNG, base64url (22 characters).
 * Task ids act as bearer capabilities for anonymous callers, so they must be unguessable; base64url also keeps
 * them free of ':' (BullMQ job ids may not contain it) and never all digits.
 */
export function newTaskId(): string {
  return `t${randomBytes(16).toString('base64url')}`;
}

/** A key for one input request, unique for the life of the task (never reused across rounds). */
export function newInputKey(): string {
  return `in_${randomBytes(12).toString('base64url')}`;
}
