/** Ctrl-C handling: the first SIGINT aborts the running operation gracefully; a second one exits at once. */
import { ExitCode } from './exit-codes.js';

export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(signals: NodeJS.Signals[] = ['SIGINT']): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort(new InterruptedError(signal));
  };
  for (const name of signals) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of signals) process.off(name, handler);
    },
  };
}

export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(readonly signalName: NodeJS.Signals) {
    super(`Interrupted (${signalName}).`);
  }
}
