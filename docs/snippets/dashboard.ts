// Type-checked code for the dashboard sections of docs/operations.md. Each //#region is shown verbatim there.
import { jwtVerifier, TaskMCP } from 'taskmcp';

export function dashboardOption() {
  //#region dashboard-option
  const server = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    // Users with a token the verifier accepts see their own tasks; the admin token sees everyone's.
    auth: {
      verifier: jwtVerifier({ jwksUrl: 'https://auth.example/jwks', audience: 'https://reports.example' }),
    },
    dashboard: true, // GET /dashboard/ beside /mcp; or { token, path: '/ops/tasks/' }
  });
  //#endregion
  return server;
}

export async function dashboardSite(server: TaskMCP) {
  //#region dashboard-site
  // Enable before the server starts (the `dashboard` option does the same); the result holds the admin token.
  const dashboard = server.enableDashboard({ path: '/ops/tasks/' }); // token: TASKMCP_DASHBOARD_TOKEN, else made
  const { url } = await server.run({ transport: 'http', port: 3000 });
  console.error(`Open ${dashboard.url(url!)}#token=${dashboard.token}`); // http://127.0.0.1:3000/ops/tasks/#token=…
  //#endregion
}
