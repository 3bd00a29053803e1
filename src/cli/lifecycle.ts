/** Keep a serving process up until SIGINT or SIGTERM, then close it gracefully (a second signal exits at once). */
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Output } from './output.js';
import type { LoadedServer } from './server-module.js';

export function untilStopped(server: LoadedServer, out: Output, drainMs: number): Promise<ExitCodeValue> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(ExitCode.interrupted);
      stopping = true;
      out.notice(`${signal}: stopping ${server.name} (running tasks get up to ${drainMs} ms to finish)...`);
      server.close({ drainMs }).then(
        () => resolve(ExitCode.ok),
        (error: Error) => {
          out.notice(`Error while stopping: ${error.message}`);
          resolve(ExitCode.server);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export const DEFAULT_DRAIN_MS = 10_000;
