/** `taskmcp inspect --server <url|file>`: the server's identity and its tools with their task modes. */
import { taskModeOf } from '../../client/types.js';
import { COMMON_OPTIONS, parse, SERVER_OPTIONS } from '../args.js';
import { connect } from '../connect.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { Output } from '../output.js';

export const usage = `taskmcp inspect --server <url|file> [--json]

  Lists the server's tools, one per line: name, task mode (forbidden, optional, required; "-" when the server
  does not say) and description. --json prints { server, protocolVersion, tools } with the input schemas.`;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values } = parse(argv, { ...COMMON_OPTIONS, ...SERVER_OPTIONS });
  const out = new Output(values.json ?? false);
  const connection = await connect({ server: values.server, token: values.token });
  try {
    const { client } = connection;
    const tools = (await client.listTools()).map((tool) => ({
      name: tool.name,
      taskMode: taskModeOf(tool) ?? null,
      description: tool.description ?? '',
      inputSchema: tool.inputSchema,
    }));
    const server = client.sdk.getServerVersion();
    out.notice(`${server?.name ?? 'server'} ${server?.version ?? ''} (protocol ${client.protocolVersion})`);
    const width = Math.max(4, ...tools.map((tool) => tool.name.length));
    const table = tools
      .map((tool) => `${tool.name.padEnd(width)}  ${(tool.taskMode ?? '-').padEnd(9)}  ${tool.description}`)
      .join('\n');
    out.data({ server, protocolVersion: client.protocolVersion, tools }, table || '(no tools)');
    return ExitCode.ok;
  } finally {
    await connection.close();
  }
}
