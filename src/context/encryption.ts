/**
 * Encryption at rest for task context snapshots (they hold bearer tokens and inbound headers).
 *
 * Key: 32 random bytes, written as 64 hex characters or as base64/base64url (`openssl rand -base64 32`), given as
 * the `tasks.encryptionKey` option or `TASKMCP_TASKS_ENCRYPTION_KEY`. Every process of one server needs the same key.
 * Rotation: a comma-separated list `new,old` encrypts with the first key and decrypts with any of them.
 * Cipher: AES-256-GCM with a fresh 96-bit IV per snapshot; the task id is authenticated as associated data, so a
 * snapshot copied onto another task does not decrypt.
 * Stored form: `taskmcp-enc:1:` + base64(iv ‖ ciphertext ‖ tag). The prefix lets a process without the key say why
 * it cannot read the snapshot instead of failing on JSON.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENCRYPTION_KEY_ENV = 'TASKMCP_TASKS_ENCRYPTION_KEY';

const PREFIX = 'taskmcp-enc:1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a stored snapshot could not be turned back into JSON; the task fails with this message. */
export class SnapshotDecryptionError extends Error {
  override readonly name = 'SnapshotDecryptionError';
}

/** Turns a snapshot's JSON into its stored form and back. */
export interface SnapshotCodec {
  readonly encrypted: boolean;
  encode(taskId: string, json: string): string;
  decode(taskId: string, stored: string): string;
}

/**
 * Parse and check a key; throws a message that says what a valid key looks like. Called when the server is
 * constructed, so a bad key stops the process at startup rather than failing tasks later.
 */
export function parseEncryptionKey(text: string, source = ENCRYPTION_KEY_ENV): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)
      ? Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      : undefined;
  if (key?.length !== 32) {
    throw new Error(
      `${source} must be 32 random bytes written as 64 hex characters or 44 base64 characters ` +
        `(generate one with: openssl rand -base64 32); got ${value.length} characters that are neither.`,
    );
  }
  return key;
}

/** Parse a key setting: one key, or a comma-separated list for rotation (`new,old`). */
export function parseEncryptionKeys(text: string, source = ENCRYPTION_KEY_ENV): Buffer[] {
  return text
    .split(',')
    .map((part, index, all) =>
      parseEncryptionKey(part, all.length > 1 ? `${source} (key ${index + 1} of ${all.length})` : source),
    );
}

/** The codec for a server's settings: the `tasks.encryptionKey` option, else the environment variable. */
export function configuredSnapshotCodec(option: string | undefined, env = process.env): SnapshotCodec {
  const setting = option ?? env[ENCRYPTION_KEY_ENV];
  if (setting === undefined || setting === '') return plainCodec;
  return snapshotCodec(
    parseEncryptionKeys(setting, option !== undefined ? 'tasks.encryptionKey' : ENCRYPTION_KEY_ENV),
  );
}

/** The codec for a server: AES-256-GCM with `keys` (the first encrypts, any decrypts), or plain JSON without. */
export function snapshotCodec(keys: readonly Buffer[] | undefined): SnapshotCodec {
  return keys && keys.length > 0 ? encryptingCodec(keys) : plainCodec;
}

const plainCodec: SnapshotCodec = {
  encrypted: false,
  encode: (_taskId, json) => json,
  decode: (_taskId, stored) => {
    if (stored.startsWith(PREFIX)) {
      throw new SnapshotDecryptionError(
        `The task's context snapshot is encrypted, but this process has no ${ENCRYPTION_KEY_ENV} configured.`,
      );
    }
    return stored;
  },
};

function encryptingCodec(keys: readonly Buffer[]): SnapshotCodec {
  const [key] = keys as [Buffer, ...Buffer[]];
  const aad = (taskId: string) => Buffer.from(`taskmcp-snapshot:${taskId}`, 'utf8');
  return {
    encrypted: true,
    encode(taskId, json) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(taskId));
      const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    },
    decode(taskId, stored) {
      if (!stored.startsWith(PREFIX)) {
        // Refuse plaintext: accepting it would let anyone who can write the store inject a caller identity.
        throw new SnapshotDecryptionError(
          `The task's context snapshot is not encrypted, but ${ENCRYPTION_KEY_ENV} is set (the task was created ` +
            'by a process without the key).',
        );
      }
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) {
        throw new SnapshotDecryptionError(`The task's encrypted context snapshot is truncated.`);
      }
      for (const candidate of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', candidate, raw.subarray(0, IV_BYTES));
          decipher.setAAD(aad(taskId));
          decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
          const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
          return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
        } catch {
          // GCM authentication failed with this key: try the next one (key rotation).
        }
      }
      throw new SnapshotDecryptionError(
        `Cannot decrypt the task's context snapshot: ${ENCRYPTION_KEY_ENV} differs from the key of the process ` +
          'that created the task, or the snapshot was altered.',
      );
    },
  };
}
