// Type-checked code for the Mounting section of docs/composing.md. Each //#region is shown verbatim on that page.
import { ResourceTemplate } from '@modelcontextprotocol/server';
import { TaskMCP } from 'taskmcp';
import { requireScopes } from 'taskmcp/middleware';
import { z } from 'zod';

declare const crmApi: {
  find(name: string): Promise<{ id: string; name: string }>;
  export(region: string): Promise<string>;
  account(id: string): Promise<string>;
};

//#region child
// crm.ts: a server of its own, written and tested on its own; its module does not start it.
export const crm = new TaskMCP({ name: 'crm', version: '1.0.0' })
  // Its middleware sees its own names ('find_account', not 'crm_find_account').
  .use(requireScopes((call) => (call.name.startsWith('export') ? ['crm:export'] : ['crm:read'])))
  .tool({ name: 'find_account', input: z.object({ name: z.string() }) }, ({ name }) => crmApi.find(name))
  .tool(
    {
      name: 'export_accounts',
      input: z.object({ region: z.string() }),
      task: { mode: 'required', retry: { attempts: 3 } }, // kept as is when mounted
    },
    ({ region }) => crmApi.export(region),
  )
  .resource(
    'account',
    new ResourceTemplate('crm://accounts/{id}', { list: undefined }),
    { mimeType: 'application/json' },
    async (uri, { id }) => ({ contents: [{ uri: uri.href, text: await crmApi.account(String(id)) }] }),
  );
//#endregion

//#region parent
// server.ts: the module `taskmcp serve` and every `taskmcp worker` load, so the mount happens in all of them.
const app = new TaskMCP({ name: 'app', version: '1.0.0', tasks: { engine: process.env.TASKS_URL } });
app.mount(crm, { prefix: 'crm' });
// Served: the tools crm_find_account and crm_export_accounts (a task on app's engine), the template crm_account
// at crm://crm/accounts/{id}.
export default app;
//#endregion
