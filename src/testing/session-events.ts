/**
 * The contract of a `SessionEventLog` (resumable SSE streams of 2025-11-25 sessions): events come back whole, in
 * order, exactly once after a kept position; streams and sessions are isolated; a resume from an event the bounds
 * dropped is refused rather than replayed with a hole; streams expire after their retention and go with their session.
 */
import { describe, expect, it } from 'vitest';
import {
  type SessionEventBounds,
  type SessionEventLog,
  SessionEventNotKeptError,
  type SessionStream,
} from '../tasks/session-events.js';
import { eventually, uniqueId } from './support.js';

const roomy: SessionEventBounds = { maxEventsPerStream: 100, retentionMs: 60_000 };

/**
 * Register the session event log contract with vitest. `makeLog` returns a log with the given bounds; logs made
 * for one test may share storage with other tests' (the suite uses unique session ids).
 */
export function describeSessionEventsContract(
  name: string,
  makeLog: (bounds: SessionEventBounds) => Promise<SessionEventLog>,
) {
  const stream = (streamId = '_GET_stream'): SessionStream => ({ sessionId: uniqueId('session'), streamId });

  describe(`SessionEventLog contract: ${name}`, () => {
    it('returns the events after a position, whole and in order, each once', async () => {
      const log = await makeLog(roomy);
      const at = stream();
      const data = ['', '{"jsonrpc":"2.0","method":"a"}', 'ünïcödé ✓', 'x'.repeat(64 * 1024)];
      const positions: string[] = [];
      for (const item of data) positions.push(await log.append(at, item));
      expect(new Set(positions).size).toBe(data.length);
      for (const position of positions) expect(position).toMatch(/^[0-9-]+$/);
      expect(await log.after(at, positions[0]!)).toEqual(
        data.slice(1).map((item, index) => ({ position: positions[index + 1], data: item })),
      );
      expect(await log.after(at, positions[2]!)).toEqual([{ position: positions[3], data: data[3] }]);
      expect(await log.after(at, positions[3]!)).toEqual([]);
    });

    it('keeps streams apart, and sessions apart even under the same stream id', async () => {
      const log = await makeLog(roomy);
      const one = stream('one');
      const two = { ...one, streamId: 'two' };
      const otherSession = stream('one');
      const first = await log.append(one, 'one-1');
      await log.append(two, 'two-1');
      const elsewhere = await log.append(otherSession, 'other-1');
      await log.append(one, 'one-2');
      await log.append(otherSession, 'other-2');
      expect((await log.after(one, first))?.map((event) => event.data)).toEqual(['one-2']);
      expect((await log.after(otherSession, elsewhere))?.map((event) => event.data)).toEqual(['other-2']);
      expect(await log.after({ ...two, streamId: 'three' }, first)).toBeNull();
    });

    it('answers null for a stream it does not keep', async () => {
      const log = await makeLog(roomy);
      expect(await log.after(stream(), '1')).toBeNull();
      expect(await log.after(stream(), '1-0')).toBeNull();
    });

    it('refuses to resume from an event it dropped past maxEventsPerStream, or never had', async () => {
      const log = await makeLog({ maxEventsPerStream: 3, retentionMs: 60_000 });
      const at = stream();
      const positions: string[] = [];
      for (let index = 0; index < 5; index++) positions.push(await log.append(at, `e${index}`));
      // The last three are kept: resuming from the oldest kept one gives the two after it.
      expect((await log.after(at, positions[2]!))?.map((event) => event.data)).toEqual(['e3', 'e4']);
      for (const gone of [positions[0]!, positions[1]!, '999999999999999-0', '999999', 'nonsense']) {
        await expect(log.after(at, gone)).rejects.toBeInstanceOf(SessionEventNotKeptError);
      }
    });

    it('forgets every stream of a session, and only of that session', async () => {
      const log = await makeLog(roomy);
      const a = stream('a');
      const b = { ...a, streamId: 'b' };
      const other = stream('a');
      const atA = await log.append(a, 'a');
      const atB = await log.append(b, 'b');
      const atOther = await log.append(other, 'other');
      await log.forget(a.sessionId);
      expect(await log.after(a, atA)).toBeNull();
      expect(await log.after(b, atB)).toBeNull();
      expect(await log.after(other, atOther)).toEqual([]);
    });

    it('drops a stream once retentionMs has passed since its latest event', async () => {
      const log = await makeLog({ maxEventsPerStream: 10, retentionMs: 300 });
      const at = stream();
      const position = await log.append(at, 'brief');
      // The memory log sweeps on writes: another stream's write must not keep this one.
      await eventually(async () => {
        await log.append(stream(), 'tick');
        return (await log.after(at, position)) === null;
      });
    });
  });
}
