/** Serving the tasks dashboard: off by default, its page and assets, where it lives, and its admin token. */
import { Script } from 'node:vm';
import { TaskMCP } from 'taskmcp';
import { afterEach, describe, expect, it } from 'vitest';
import { SCRIPT } from '../../src/dashboard/assets/script.js';
import { serveOverHttp } from '../helpers.js';
import { ADMIN_TOKEN, api } from './fixture.js';

describe('the tasks dashboard', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  const serve = async (server: TaskMCP) => {
    const running = await serveOverHttp(server);
    close = running.close;
    return running.url;
  };

  it('is off by default', async () => {
    const url = await serve(new TaskMCP({ name: 'plain', version: '1', logger: () => {} }));
    expect((await fetch(new URL('/dashboard/', url))).status).toBe(404);
    expect((await fetch(new URL('/dashboard/api/tasks', url))).status).toBe(404);
  });

  it('serves a static page with a strict content security policy, its script and its stylesheet', async () => {
    const server = new TaskMCP({
      name: 'reports',
      title: 'Reports <"Q3">',
      version: '1',
      logger: () => {},
      dashboard: { token: ADMIN_TOKEN },
    });
    const url = await serve(server);
    const redirect = await fetch(new URL('/dashboard', url), { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/dashboard/');
    const page = await fetch(new URL('/dashboard/', url));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('Reports &#60;&#34;Q3&#34;&#62;');
    expect(html).not.toContain('<"Q3">');
    const script = await fetch(new URL('/dashboard/app.js', url));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe(SCRIPT);
    expect(() => new Script(SCRIPT)).not.toThrow();
    expect((await fetch(new URL('/dashboard/style.css', url))).headers.get('content-type')).toMatch(
      /^text\/css/,
    );
    expect((await fetch(new URL('/dashboard/nothing.js', url))).status).toBe(404);
    // The page holds no data; the API needs the token.
    expect((await api(new URL('/dashboard/', url), 'tasks')).status).toBe(401);
    expect((await api(new URL('/dashboard/', url), 'tasks', ADMIN_TOKEN)).status).toBe(200);
  });

  it('without auth, only the admin token opens it', async () => {
    const url = await serve(
      new TaskMCP({ name: 'open', version: '1', logger: () => {}, dashboard: { token: ADMIN_TOKEN } }),
    );
    const board = new URL('/dashboard/', url);
    expect((await api(board, 'tasks', 'any-token-at-all-0123456789')).status).toBe(401);
    expect((await api(board, 'tasks', ADMIN_TOKEN)).body).toMatchObject({
      viewer: { admin: true },
      tasks: [],
    });
  });

  it('serves at another path, and takes its token from the option, TASKMCP_DASHBOARD_TOKEN, or makes one', async () => {
    const previous = process.env.TASKMCP_DASHBOARD_TOKEN;
    delete process.env.TASKMCP_DASHBOARD_TOKEN;
    try {
      const logged: string[] = [];
      const server = new TaskMCP({
        name: 'ops',
        version: '1',
        logger: (_level, message) => logged.push(message),
        dashboard: { path: '/ops/tasks' },
      });
      const site = server.enableDashboard();
      expect(site.path).toBe('/ops/tasks/');
      const url = await serve(server);
      expect(site.generated).toBe(true);
      expect(site.token.length).toBeGreaterThanOrEqual(32);
      expect(logged.join('\n')).toContain(
        `tasks dashboard on ${new URL('/ops/tasks/', url).href}#token=${site.token}`,
      );
      expect((await api(new URL('/ops/tasks/', url), 'tasks', site.token)).status).toBe(200);

      process.env.TASKMCP_DASHBOARD_TOKEN = 'from-the-environment-0123456789';
      const fromEnv = new TaskMCP({ name: 'env', version: '1', dashboard: true }).enableDashboard();
      expect(fromEnv).toMatchObject({ token: 'from-the-environment-0123456789', generated: false });
      process.env.TASKMCP_DASHBOARD_TOKEN = 'short';
      expect(() => new TaskMCP({ name: 'env', version: '1', dashboard: true })).toThrow(
        /TASKMCP_DASHBOARD_TOKEN must be at least 16 characters/,
      );
    } finally {
      if (previous === undefined) delete process.env.TASKMCP_DASHBOARD_TOKEN;
      else process.env.TASKMCP_DASHBOARD_TOKEN = previous;
    }
    expect(() => new TaskMCP({ name: 'x', version: '1', dashboard: { token: 'too-short' } })).toThrow(
      /at least 16/,
    );
    expect(() => new TaskMCP({ name: 'x', version: '1', dashboard: { path: '/../x' } })).toThrow(
      /plain absolute/,
    );
    expect(() => new TaskMCP({ name: 'x', version: '1', dashboard: { path: '/' } })).toThrow(
      /plain absolute/,
    );
  });
});
