/**
 * The harness's own ledger of tasks: the seed it chose for each, the task id it received (if it received one),
 * and the last status it read. It is the ground truth the engine is judged against: a task whose id was handed
 * to a client must end terminal (else it is *lost*) and completed with sha256 of its seed (else its result is
 * *wrong*), whatever was killed in between.
 */
import { randomBytes } from 'node:crypto';
import { type ChaosTool, digestOf } from './expected.js';
import { createTask, getTask, isTerminal, type TaskView } from './mcp.js';
import { sleep } from './wait.js';

const CREATE_TIMEOUT_MS = 15_000;
const GET_TIMEOUT_MS = 5_000;
const POLL_PARALLELISM = 8;
const POLL_ROUND_MS = 150;

export interface TrackedTask {
  seed: string;
  tool: ChaosTool;
  ms: number;
  /** Set once `tools/call` answered with a task. */
  taskId?: string;
  createdAt?: number;
  /** Why creation failed (the harness did not receive an id). */
  createError?: string;
  /** The last view read with tasks/get (`null`: the server did not know the id). */
  last?: TaskView | null;
  /** When a terminal status was first read. */
  settledAt?: number;
}

export interface Verdict {
  /** Tasks whose id the harness received. */
  tasks: number;
  /** Received ids not terminal by the deadline (or unknown to the server). */
  lost: TrackedTask[];
  /** Terminal, but not completed with the expected digest. */
  wrong: TrackedTask[];
  /** Creations that did not hand back an id (informational: front end killed, Redis down…). */
  notCreated: number;
}

export class TaskBook {
  readonly all: TrackedTask[] = [];
  private serial = 0;

  constructor(private readonly label: string) {}

  /** A fresh task entry with a unique seed (not yet created). */
  plan(tool: ChaosTool, ms: number): TrackedTask {
    const seed = `${this.label}-${++this.serial}-${randomBytes(4).toString('hex')}`;
    const task: TrackedTask = { seed, tool, ms };
    this.all.push(task);
    return task;
  }

  /** Create the planned task at `url`; never throws (a failed creation is recorded on the entry). */
  async create(url: URL, task: TrackedTask): Promise<TrackedTask> {
    try {
      task.taskId = await createTask(url, task.tool, { seed: task.seed, ms: task.ms }, CREATE_TIMEOUT_MS);
      task.createdAt = Date.now();
      task.createError = undefined;
    } catch (error) {
      task.createError = (error as Error).message;
    }
    return task;
  }

  received(): TrackedTask[] {
    return this.all.filter((task) => task.taskId !== undefined);
  }

  unsettled(): TrackedTask[] {
    return this.received().filter((task) => task.settledAt === undefined);
  }

  /** One round of tasks/get over the unsettled tasks; errors (front end or Redis down) just leave them unsettled. */
  async pollOnce(url: URL): Promise<void> {
    const pending = this.unsettled();
    for (let i = 0; i < pending.length; i += POLL_PARALLELISM) {
      await Promise.all(
        pending.slice(i, i + POLL_PARALLELISM).map(async (task) => {
          try {
            const view = await getTask(url, task.taskId!, GET_TIMEOUT_MS);
            task.last = view;
            if (view && isTerminal(view.status)) task.settledAt = Date.now();
          } catch {
            // unreachable right now; the next round tries again
          }
        }),
      );
    }
  }

  /** Poll until every received task is terminal or `deadline` (epoch ms) passes. `url()` picks a live front end. */
  async settle(url: () => URL, deadline: number): Promise<void> {
    while (this.unsettled().length > 0 && Date.now() < deadline) {
      await this.pollOnce(url());
      if (this.unsettled().length > 0) await sleep(POLL_ROUND_MS);
    }
  }

  verdict(): Verdict {
    const received = this.received();
    return {
      tasks: received.length,
      lost: received.filter((task) => task.settledAt === undefined),
      wrong: received.filter((task) => task.settledAt !== undefined && !isRight(task)),
      notCreated: this.all.length - received.length,
    };
  }
}

export function isRight(task: TrackedTask): boolean {
  const view = task.last;
  return (
    !!view &&
    view.status === 'completed' &&
    view.result?.isError !== true &&
    view.result?.structuredContent?.digest === digestOf(task.seed)
  );
}

/** One line about a task for the details of a failed expectation. */
export function describeTask(task: TrackedTask): string {
  const view = task.last;
  const state =
    view === undefined
      ? 'never read'
      : view === null
        ? 'unknown to the server'
        : `${view.status}${view.statusMessage ? ` (${view.statusMessage})` : ''}${
            view.error ? ` error ${view.error.code} ${view.error.message}` : ''
          }`;
  return `${task.taskId ?? '(no id)'} seed ${task.seed}: ${state}`;
}
