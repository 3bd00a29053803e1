/**
 * The tasks dashboard in a real browser (Debian's Chromium, driven by playwright-core), on both engines: tasks
 * created over MCP appear and progress on the page as they run, a task is cancelled from the page and MCP then
 * reports it cancelled, the detail view shows arguments and result, filters work, and a user sees only their own
 * tasks. Every step waits for a state on the page or the server, never for the clock.
 *
 * With UPDATE_SCREENSHOTS=1 the memory run also refreshes docs/dashboard.png.
 */
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { eventually } from '../helpers.js';
import { ADMIN_TOKEN, ALICE, ALICE_TOKEN, BOB, BOB_TOKEN, type Deployment, deploy } from './fixture.js';

const CHROMIUM = process.env.TASKMCP_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));

function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `Chromium is missing at ${CHROMIUM} and CI=true: the dashboard's browser test must run in CI.`,
    );
  }
  console.warn(`Chromium is not installed at ${CHROMIUM}: skipping the dashboard's browser test.`);
  return false;
}

/** Wait until the text of `selector` inside the task's row is `expected` (or matches it). */
async function waitForCell(page: Page, taskId: string, selector: string, expected: string | RegExp) {
  await page.waitForFunction(
    ({ taskId, selector, source, flags }) => {
      const cell = document.querySelector(`tr[data-task-id="${taskId}"] ${selector}`);
      return cell !== null && new RegExp(source, flags).test(cell.textContent ?? '');
    },
    typeof expected === 'string'
      ? { taskId, selector, source: `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, flags: '' }
      : { taskId, selector, source: expected.source, flags: expected.flags },
  );
}

const row = (taskId: string) => `tr[data-task-id="${taskId}"]`;

describe.runIf(chromiumAvailable())('tasks dashboard in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 30_000);
  afterAll(() => browser?.close());

  describe.each(engineCases)('$name engine', ({ name }) => {
    let deployment: Deployment;
    beforeAll(async () => {
      deployment = await deploy(name);
    });
    afterAll(() => deployment.close());

    async function open(token: string): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1440, height: 760 } });
      page.setDefaultTimeout(15_000);
      await page.goto(`${deployment.board.href}#token=${token}`);
      await page.waitForSelector('#connection[data-state="live"]');
      return page;
    }

    it('shows tasks appear and progress live, cancels one from the page, and shows a detail', async () => {
      const page = await open(ADMIN_TOKEN);
      // The token left the address bar; it was never sent in a URL.
      expect(page.url()).toBe(deployment.board.href);
      expect(await page.textContent('#viewer')).toBe('admin view: every principal');

      const alice = await deployment.client(ALICE_TOKEN);
      const bob = await deployment.client(BOB_TOKEN);
      const report = (await alice.callToolTask('build_report', { title: 'Q3 revenue', key: 'q3', stages: 3 }))
        .id!;

      // It appears, then moves stage by stage, pushed by the server (the page never reloads).
      await waitForCell(page, report, '.col-message', 'Rendering page 1 (0/3)');
      expect(await page.textContent(`${row(report)} .col-owner`)).toBe(ALICE);
      expect(await page.textContent(`${row(report)} .col-tool`)).toBe('build_report');
      expect(await page.getAttribute(row(report), 'data-status')).toBe('working');
      await waitForCell(page, report, '.progress span', '0%');
      deployment.gates.open('q3');
      await waitForCell(page, report, '.col-message', 'Rendering page 2 (1/3)');
      await waitForCell(page, report, '.progress span', '33%');
      expect(
        await page.$eval(`${row(report)} progress`, (bar) => (bar as HTMLProgressElement).value),
      ).toBeCloseTo(1 / 3);
      deployment.gates.open('q3');
      await waitForCell(page, report, '.progress span', '67%');
      await waitForCell(page, report, '.col-elapsed', /^\d+\.\ds$/);
      deployment.gates.open('q3');
      await page.waitForSelector(`${row(report)}[data-status="completed"]`);
      await waitForCell(page, report, '.progress span', '100%');
      expect(await page.isVisible(`${row(report)} button.cancel`)).toBe(false);

      // Cancel Bob's task from the page; MCP reports it cancelled.
      const sync = (await bob.callToolTask('sync_inventory')).id!;
      await waitForCell(page, sync, '.col-message', 'Holding (1/4)');
      expect(await page.textContent(`${row(sync)} .col-owner`)).toBe(BOB);
      await page.click(`${row(sync)} button.cancel`);
      await page.waitForSelector(`${row(sync)}[data-status="cancelled"]`);
      expect((await bob.getTask(sync)).status).toBe('cancelled');

      // The detail view: arguments and result, nothing of the caller's credentials.
      await page.click(`${row(report)} .col-tool`);
      await page.waitForSelector('#detail:not([hidden]) [data-section="result"] pre');
      expect(await page.textContent('#detail-id')).toBe(report);
      expect(JSON.parse((await page.textContent('[data-section="arguments"] pre'))!)).toEqual({
        title: 'Q3 revenue',
        key: 'q3',
        stages: 3,
      });
      expect(await page.textContent('[data-section="result"] pre')).toContain(
        'reports.example/Q3%20revenue.pdf',
      );
      expect(await page.textContent('dd[data-field="owner"]')).toBe(ALICE);
      expect(await page.content()).not.toContain(ALICE_TOKEN);

      // Filters: by status, then by tool.
      await page.selectOption('#filter-status', 'cancelled');
      await page.waitForSelector(`${row(report)}`, { state: 'detached' });
      expect(
        await page.$$eval('#tasks tbody tr', (rows) => rows.map((each) => each.getAttribute('data-task-id'))),
      ).toEqual([sync]);
      await page.selectOption('#filter-status', '');
      await page.fill('#filter-tool', 'build_report');
      await page.waitForSelector(`${row(sync)}`, { state: 'detached' });
      await page.waitForSelector(`${row(report)}`);
      await page.fill('#filter-tool', '');
      await page.waitForSelector(`${row(sync)}`);

      if (name === 'memory') await screenshot(page, alice, bob);
      await page.close();
    }, 60_000);

    it("shows what a resource task and a prompt task returned (a 2025-11-25 client's)", async () => {
      const page = await open(ADMIN_TOKEN);
      const legacy = await deployment.client(ALICE_TOKEN, {}, 'legacy');
      await legacy.readResource('inventory://north', { task: true });
      await legacy.getPrompt('weekly_summary', { team: 'billing' }, { task: true });
      const ended = (tool: string) =>
        `#tasks tbody tr[data-status="completed"]:has(.col-tool:text-is("${tool}"))`;
      const shown = {
        'resource:inventory': 'Stock at north: 42 crates',
        'prompt:weekly_summary': 'user: Summarise the week of billing.',
      };
      // Both rows settle before any click: a live update re-renders the table, and a click on a row being replaced is
      // lost.
      for (const tool of Object.keys(shown)) await page.waitForSelector(ended(tool));
      for (const [tool, text] of Object.entries(shown)) {
        const taskId = await page.getAttribute(ended(tool), 'data-task-id');
        await page.click(`${ended(tool)} .col-tool`);
        // This task's detail, not the one shown before it.
        await page.waitForFunction(
          ({ taskId, text }) =>
            document.querySelector('#detail-id')?.textContent === taskId &&
            document.querySelector('#detail:not([hidden]) [data-section="result"] pre')?.textContent === text,
          { taskId, text },
        );
      }
      await page.close();
    }, 60_000);

    it('shows a user only their own tasks, without owners, and asks again for a refused token', async () => {
      const alice = await deployment.client(ALICE_TOKEN);
      const bob = await deployment.client(BOB_TOKEN);
      const mine = (await alice.callToolTask('sync_inventory')).id!;
      const theirs = (await bob.callToolTask('sync_inventory')).id!;
      const page = await open(ALICE_TOKEN);
      expect(await page.textContent('#viewer')).toBe('your tasks');
      await waitForCell(page, mine, '.col-message', 'Holding (1/4)');
      expect(await page.isVisible(`${row(mine)} .col-owner`)).toBe(false);
      // Bob's task changes after Alice's page is live: cancelling it must not reach her page.
      await bob.cancelTask(theirs);
      await alice.cancelTask(mine);
      await page.waitForSelector(`${row(mine)}[data-status="cancelled"]`);
      expect(await page.$(row(theirs))).toBeNull();
      await page.close();

      const refused = await browser.newPage();
      await refused.goto(`${deployment.board.href}#token=not-a-token-anyone-issued`);
      await refused.waitForSelector('#login:not([hidden])');
      expect(await refused.textContent('#login-error')).toContain('refused');
      await refused.fill('#token-input', ADMIN_TOKEN);
      await refused.click('#login button[type="submit"]');
      await refused.waitForSelector('#connection[data-state="live"]');
      await refused.close();
    }, 60_000);

    /** A busier board for docs/dashboard.png: a task of every status, the detail of the finished report open. */
    async function screenshot(page: Page, ...[alice, bob]: Awaited<ReturnType<Deployment['client']>>[]) {
      const failed = (await bob!.callToolTask('export_table', { table: 'orders' })).id!;
      const waiting = (await alice!.callToolTask('approve_refund')).id!;
      const running = (
        await alice!.callToolTask('build_report', { title: 'Q4 forecast', key: 'q4', stages: 5 })
      ).id!;
      await waitForCell(page, running, '.col-message', 'Rendering page 1 (0/5)');
      for (const stage of ['20%', '40%', '60%']) {
        deployment.gates.open('q4');
        await waitForCell(page, running, '.progress span', stage);
      }
      await page.waitForSelector(`${row(failed)}[data-status="failed"]`);
      await page.waitForSelector(`${row(waiting)}[data-status="input_required"]`);
      await eventually(async () => (await page.textContent('#counts'))?.includes('queued'));
      await page.locator('#filter-tool').blur();
      await page.mouse.move(700, 700); // no hover highlight in the picture
      const path = process.env.UPDATE_SCREENSHOTS
        ? SCREENSHOT
        : join(tmpdir(), `taskmcp-dashboard-${process.pid}.png`);
      await page.screenshot({ path });
      expect(statSync(path).size).toBeGreaterThan(10_000);
    }
  });
});
