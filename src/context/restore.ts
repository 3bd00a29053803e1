import { ENCRYPTION_KEY_ENV, type SnapshotCodec } from './encryption.js';
import {
  type CaptureInput,
  captureSnapshot,
  parseSnapshot,
  serializeSnapshot,
  type TaskContextSnapshot,
} from './snapshot.js';

/** Capture the caller of a new task and encode it for storage (encrypted when the codec has a key). */
export function storeSnapshot(taskId: string, input: CaptureInput, codec: SnapshotCodec): string {
  return codec.encode(taskId, serializeSnapshot(captureSnapshot(input)));
}

/**
 * Load a task's snapshot for a worker. Failing closed: when the snapshot cannot be read, the task must fail
 * rather than run as someone else or as nobody; the message names what to fix.
 */
export function loadSnapshot(
  taskId: string,
  stored: string | null,
  codec: SnapshotCodec,
): { ok: true; snapshot: TaskContextSnapshot | undefined } | { ok: false; message: string } {
  if (stored === null) {
    // Stored with the record and expiring with it, so a missing snapshot means it was removed from under us.
    return codec.encrypted
      ? {
          ok: false,
          message: `Cannot restore the task's context: its snapshot is missing (${ENCRYPTION_KEY_ENV} is set, so the task does not run without one).`,
        }
      : { ok: true, snapshot: undefined };
  }
  try {
    return { ok: true, snapshot: parseSnapshot(codec.decode(taskId, stored)) };
  } catch (error) {
    // Decryption errors name the key setting; parse errors say what is wrong with the stored value.
    return { ok: false, message: `Cannot restore the task's context: ${(error as Error).message}` };
  }
}
