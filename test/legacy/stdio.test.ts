import { fileURLToPath } from 'node:url';
import { engineCases } from '../engines.js';
import { REDIS_URL, uniqueName } from '../redis.js';
import { describeLegacyTasks } from './suite.js';
import { connectV1Stdio } from './v1-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PAGE_SIZE = 2;

for (const { name } of engineCases) {
  describeLegacyTasks(
    `2025-11-25 tasks over stdio, SDK v1 client (${name} engine)`,
    { authenticates: false, pageSize: PAGE_SIZE },
    async () => {
      // Every connection spawns its own server process; with Redis they share one namespace, like replicas.
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        LIST_PAGE_SIZE: String(PAGE_SIZE),
        ...(name === 'redis' ? { TEST_ENGINE: 'redis', REDIS_URL, SERVER_NAME: uniqueName('stdio') } : {}),
      };
      return {
        connect: () =>
          connectV1Stdio({
            command: `${root}node_modules/.bin/tsx`,
            args: [`${root}test/fixtures/stdio-server.ts`],
            cwd: root,
            env,
          }),
        close: async () => {},
      };
    },
  );
}
