import { engineCases } from '../engines.js';
import { createTestServer } from '../fixtures/test-server.js';
import { serveOverHttp } from '../helpers.js';
import { aliceAndBobVerifier } from './http-fixture.js';
import { describeLegacyTasks } from './suite.js';
import { connectV1Http } from './v1-client.js';

const PAGE_SIZE = 2;

for (const { name, engine } of engineCases) {
  describeLegacyTasks(
    `2025-11-25 tasks over Streamable HTTP, SDK v1 client (${name} engine)`,
    { authenticates: true, pageSize: PAGE_SIZE },
    async () => {
      const server = createTestServer({
        engine: engine(),
        tasks: { listPageSize: PAGE_SIZE },
        auth: { verifier: aliceAndBobVerifier() },
      });
      const { url, close } = await serveOverHttp(server);
      return {
        connect: (principal) => connectV1Http(url, principal),
        close,
      };
    },
  );
}
