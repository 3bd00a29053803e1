/**
 * The quick start's client: calls `build_report` on the server of examples/quickstart.ts with the bundled client,
 * which drives the task, and prints the result. The README shows the region below; test/docs runs it.
 *
 *   npm run example                                            # terminal 1
 *   node --import tsx examples/quickstart-client.ts [url]      # terminal 2
 */
//#region client
import { Client } from 'taskmcp/client';

const client = await Client.connect(process.argv[2] ?? 'http://127.0.0.1:3000/mcp');
// onProgress sees each change of the task while it runs: "Rendering page 1 (0/3)", …, then "completed".
const result = await client.callTool(
  'build_report',
  { title: 'Q3' },
  { onProgress: (task) => console.error(task.statusMessage ?? task.status) },
);
console.log(result.structuredContent); // { title: 'Q3', pages: 3, url: 'https://reports.example/Q3.pdf' }
await client.close();
//#endregion
