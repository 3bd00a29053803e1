import { setMaxListeners } from 'node:events';
import type {
  McpHandlerRequestOptions,
  PromptCallback,
  ReadResourceCallback,
  ReadResourceTemplateCallback,
  ResourceTemplate,
  StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import { type StdioServerHandle, StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { getContext, type TaskMCPContext } from '../context/context.js';
import { configuredSnapshotCodec, type SnapshotCodec } from '../context/encryption.js';
import {
  type DashboardOptions,
  type DashboardSite,
  dashboardNotice,
  mountDashboard,
} from '../dashboard/index.js';
import { checkDependencies } from '../deps/dependencies.js';
import { DEFAULT_METRICS_PATH, type MetricsOptions, TaskMetrics } from '../metrics/task-metrics.js';
import type { TaskEngine } from '../tasks/engine.js';
import type { PromptConfig, Registration, ResourceConfig } from './ambient-calls.js';
import { HttpDispatch } from './http-dispatch.js';
import { type ServerLogger, stderrLogger } from './logger.js';
import { guardLoopback } from './loopback-guard.js';
import { checkMiddleware, type Middleware } from './middleware.js';
import { addRegistration, type Composable, type MountOptions, mountServer } from './mount.js';
import { checkServerOptions } from './option-checks.js';
import { type RunOptions, type TaskMCPOptions, taskDefaults } from './options.js';
import {
  resolveTaskOptions,
  type TaskDefaults,
  type ToolConfig,
  type ToolHandler,
  ToolRegistry,
} from './registry.js';
import { withTaskSettings } from './resource-prompt-tasks/task-options.js';
import { ResourceSubscriptions } from './resource-subscriptions.js';
import { buildSdkServer, type ServerInternals } from './sdk-server.js';
import { type HttpRoute, type RunningHttpServer, serveHttp } from './serve.js';
import { startServer } from './startup.js';
import { TaskListens } from './task-listen.js';

/**
 * An MCP server whose tools can run as durable background tasks.
 *
 * Register tools, resources and prompts, then serve over stdio or Streamable HTTP with {@link TaskMCP.run}, or
 * mount {@link TaskMCP.fetch} in any web-standard runtime. Both protocol eras are served from the same definitions.
 */
export class TaskMCP {
  readonly name: string;
  readonly version: string;
  private readonly options: TaskMCPOptions;
  private readonly registry = new ToolRegistry();
  private readonly resourcesAndPrompts: Registration[] = [];
  private readonly middleware: Middleware[] = [];
  private readonly defaults: TaskDefaults;
  private readonly log: ServerLogger;
  private readonly snapshots: SnapshotCodec;
  private readonly shutdown = shutdownController();
  private starting?: Promise<ServerInternals>;
  private engineInstance?: TaskEngine;
  private readonly closers: Array<() => Promise<void>> = [];
  private readonly routes = new Map<string, HttpRoute>();
  private dashboardSite?: DashboardSite;
  private metrics?: TaskMetrics;
  private readonly subscriptions = new ResourceSubscriptions();
  private readonly taskListens = new TaskListens(() => this.internals({}));
  private readonly http: HttpDispatch;
  /** Set once mounted: where, for the error refusing later registrations (mounting copied them). */
  private mountedOn?: string;

  constructor(options: TaskMCPOptions) {
    checkServerOptions(options);
    this.options = options;
    this.name = options.name;
    this.version = options.version;
    this.log = options.logger ?? stderrLogger();
    this.defaults = taskDefaults(options);
    // Validate the key now: a bad key must stop the process at startup, not fail tasks later.
    this.snapshots = configuredSnapshotCodec(options.tasks?.encryptionKey);
    if (options.dashboard) this.enableDashboard(options.dashboard === true ? {} : options.dashboard);
    if (options.metrics) this.enableMetrics(options.metrics === true ? {} : options.metrics);
    this.http = new HttpDispatch({
      options,
      internals: () => this.internals({}),
      engine: () => this.engine,
      taskListens: this.taskListens,
      snapshots: this.snapshots,
      log: this.log,
    });
  }

  /**
   * Register a tool. The same handler runs in the foreground or, per `task`, as a background task; it receives
   * the parsed arguments and the invocation's context (also available anywhere below it via {@link getContext}).
   */
  // biome-ignore lint/complexity/noBannedTypes: `{}` is "no dependencies": it adds nothing to the handler's context.
  tool<Input extends StandardSchemaWithJSON | undefined = undefined, Deps extends object = {}>(
    config: ToolConfig<Input, Deps>,
    handler: ToolHandler<Input, Deps>,
  ): this {
    this.checkNotMounted(`Register tool '${config.name}'`);
    if (this.starting) throw new Error(`Register tool '${config.name}' before the server starts.`);
    if (typeof handler !== 'function') throw new TypeError(`Tool '${config.name}' needs a handler function.`);
    checkDependencies(config.name, config.depends);
    this.registry.add({
      name: config.name,
      config: config as unknown as ToolConfig<StandardSchemaWithJSON | undefined, Record<string, unknown>>,
      handler: handler as unknown as ToolHandler<StandardSchemaWithJSON | undefined, Record<string, unknown>>,
      task: resolveTaskOptions(config.name, config.task, this.defaults),
    });
    return this;
  }

  /** Register a resource; the arguments are those of the SDK's `McpServer.registerResource`. */
  resource(name: string, uri: string, metadata: ResourceConfig, read: ReadResourceCallback): this;
  /** Register a resource template; the arguments are those of the SDK's `McpServer.registerResource`. */
  resource(
    name: string,
    template: ResourceTemplate,
    metadata: ResourceConfig,
    read: ReadResourceTemplateCallback,
  ): this;
  resource(
    name: string,
    uriOrTemplate: string | ResourceTemplate,
    metadata: ResourceConfig,
    read: ReadResourceCallback | ReadResourceTemplateCallback,
  ): this {
    this.checkNotMounted(`Register resource '${name}'`);
    const registration = { kind: 'resource' as const, name, uriOrTemplate, metadata, read };
    addRegistration(this.composable(), withTaskSettings(registration, this.defaults));
    return this;
  }

  /** Register a prompt; the arguments are those of the SDK's `McpServer.registerPrompt`. */
  prompt<Args extends StandardSchemaWithJSON | undefined = undefined>(
    name: string,
    config: PromptConfig<Args>,
    render: PromptCallback<Args extends StandardSchemaWithJSON ? Args : undefined>,
  ): this {
    this.checkNotMounted(`Register prompt '${name}'`);
    const registration = {
      kind: 'prompt' as const,
      name,
      config,
      render: render as PromptCallback<StandardSchemaWithJSON>,
    };
    addRegistration(this.composable(), withTaskSettings(registration, this.defaults));
    return this;
  }

  /**
   * Add middleware around every tool call, in the foreground and in each task leg (wherever the leg runs), every
   * resource read and every prompt get. The first added is the outermost. Add it before the server starts, in the
   * server module, so that `taskmcp worker` processes loading the module have it too. See `Middleware`.
   */
  use(middleware: Middleware): this {
    this.checkNotMounted('Add middleware');
    if (this.starting) throw new Error('Add middleware with use() before the server starts.');
    checkMiddleware(middleware);
    this.middleware.push(middleware);
    return this;
  }

  /**
   * Serve `child`'s tools, resources and prompts from this server: tools and prompts as `<prefix>_<name>`, resources
   * under prefixed names and their URIs as `scheme://<prefix>/rest`. The tools keep their task settings and
   * dependencies and run on this server's engine, inside this server's middleware and then the child's. Mount before
   * this server starts, in its module (so `taskmcp worker` has the tools too); the child takes no registrations after.
   */
  mount(child: TaskMCP, options: MountOptions): this {
    this.checkNotMounted(`Mount '${child.name}'`);
    if (this.starting) throw new Error(`Mount '${child.name}' on '${this.name}' before the server starts.`);
    if (child === this) throw new Error(`Server '${this.name}' cannot mount itself.`);
    if (child.starting) {
      throw new Error(
        `Mount '${child.name}' before it starts: it runs on the engine of the server it is mounted on.`,
      );
    }
    mountServer(this.composable(), child.composable(), options);
    child.mountedOn = `'${this.name}' with prefix '${options.prefix}'`;
    return this;
  }

  /**
   * Serve a plain HTTP handler beside the MCP endpoint when running over HTTP: `path` matches exactly, or, ending
   * with `/`, every path below it. Loopback servers apply the same Host and Origin checks as to MCP requests.
   */
  route(path: string, handler: HttpRoute): this {
    if (this.starting) throw new Error(`Add the route ${path} before the server starts.`);
    if (!path.startsWith('/')) throw new TypeError(`A route path starts with '/', got '${path}'.`);
    if (this.routes.has(path)) throw new Error(`The route ${path} is already served.`);
    this.routes.set(path, handler);
    return this;
  }

  /**
   * Collect Prometheus metrics of this process's tasks from the moment the engine starts, and serve them at `path`
   * (default `/metrics`) when running over HTTP; `text()` of the result reads them anywhere else. Call it before the
   * server starts; once enabled, later calls return the same metrics. The `metrics` option calls this.
   */
  enableMetrics(options: MetricsOptions = {}): TaskMetrics {
    if (this.metrics) return this.metrics;
    if (this.starting) throw new Error('Enable metrics before the server starts.');
    const metrics = new TaskMetrics();
    metrics.gauge(
      'taskmcp_task_subscriptions',
      'Task subscriptions (subscriptions/listen with taskIds) open on this process now.',
      () => this.taskListens.openCount,
    );
    this.route(options.path ?? DEFAULT_METRICS_PATH, metrics.handle);
    this.metrics = metrics;
    return metrics;
  }

  /**
   * Serve the tasks dashboard beside the MCP endpoint when running over HTTP (the `dashboard` option calls this).
   * Call it before the server starts; once enabled, later calls return the same dashboard. The result says where it
   * is and holds its admin token.
   */
  enableDashboard(options: DashboardOptions = {}): DashboardSite {
    if (this.dashboardSite) return this.dashboardSite;
    if (this.starting) throw new Error('Enable the dashboard before the server starts.');
    this.dashboardSite = mountDashboard(
      {
        route: (path, handler) => this.route(path, handler),
        engine: () => this.engine,
        auth: this.options.auth,
        title: this.options.title ?? this.name,
      },
      options,
    );
    return this.dashboardSite;
  }

  /**
   * Tell the clients of this process subscribed to `uri` (`resources/subscribe`, over stdio or a 2025-11-25 HTTP
   * session) that the resource changed: they get `notifications/resources/updated`. Per process: with several
   * front ends, call it in each.
   */
  notifyResourceUpdated(uri: string): Promise<void> {
    return this.subscriptions.notify(uri);
  }

  /** The context of the tool invocation the caller runs in (see {@link getContext}). */
  getContext(): TaskMCPContext {
    return getContext();
  }

  /** The task engine, once the server has started. */
  get engine(): TaskEngine {
    if (!this.engineInstance) throw new Error('The task engine is created when the server starts.');
    return this.engineInstance;
  }

  /**
   * Start the task engine (idempotent; `run` and `fetch` call it). With `worker: false` this process creates and
   * answers tasks but leaves running them to worker processes; `concurrency` overrides `tasks.concurrency`.
   */
  start(options: { worker?: boolean; concurrency?: number } = {}): Promise<void> {
    return this.internals(options).then(() => undefined);
  }

  /** The web-standard Streamable HTTP handler (both eras). Authenticates first when `auth` is configured. */
  readonly fetch = (request: Request, options: McpHandlerRequestOptions = {}): Promise<Response> =>
    this.http.fetch(request, options);

  /** Serve over stdio or Streamable HTTP. Resolves once serving; `close()` stops it. */
  async run(options: RunOptions): Promise<{ url?: URL; close(): Promise<void> }> {
    const internals = await this.internals({ worker: options.worker });
    if (options.transport === 'stdio') {
      const handle: StdioServerHandle = serveStdio(
        ({ era }) => buildSdkServer(internals, era, 'connection'),
        {
          transport: this.taskListens.overStdio(new StdioServerTransport()),
          onerror: (error) => this.log('error', `stdio: ${error.message}`),
        },
      );
      this.closers.push(() => handle.close());
      return { close: () => this.close() };
    }
    if (options.transport !== 'http') {
      throw new TypeError(
        `Unknown transport '${(options as { transport: string }).transport}': use 'stdio' or 'http'.`,
      );
    }
    const host = options.host ?? '127.0.0.1';
    const guarded = guardLoopback(host, this.fetch, this.routes);
    const running: RunningHttpServer = await serveHttp(guarded.fetch, {
      ...options,
      host,
      routes: guarded.routes,
    });
    this.closers.push(() => running.close());
    this.log('info', `${this.name} serving MCP on ${running.url} (task engine: ${this.engine.kind})`);
    if (this.dashboardSite) this.log('info', dashboardNotice(this.dashboardSite, running.url));
    return { url: running.url, close: () => this.close() };
  }

  /**
   * Stop serving and close the task engine: running task legs get `drainMs` (default 0) to finish before they are
   * aborted (a distributed engine hands them back to the queue); foreground handlers are aborted at once.
   */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    this.shutdown.abort(new Error('The server is shutting down.'));
    await this.taskListens.untilEnded();
    const closers = this.closers.splice(0).reverse();
    for (const close of closers)
      await close().catch((error: Error) => this.log('warning', `close: ${error.message}`));
    await this.http.close();
    await this.engineInstance?.close(options);
  }

  private composable(): Composable {
    const { name, registry, resourcesAndPrompts, middleware } = this;
    return { name, registry, resourcesAndPrompts, middleware };
  }

  private checkNotMounted(what: string): void {
    if (this.mountedOn) {
      throw new Error(
        `${what} on '${this.name}' before mounting it: it was mounted on ${this.mountedOn}, which copied its tools, resources, prompts and middleware then.`,
      );
    }
  }

  private internals(options: { worker?: boolean; concurrency?: number }): Promise<ServerInternals> {
    this.starting ??= startServer(
      {
        name: this.name,
        version: this.version,
        options: this.options,
        registry: this.registry,
        resourcesAndPrompts: this.resourcesAndPrompts,
        middleware: this.middleware,
        defaults: this.defaults,
        log: this.log,
        snapshots: this.snapshots,
        shutdown: this.shutdown.signal,
        metrics: this.metrics,
        subscriptions: this.subscriptions,
        onEngine: (engine) => {
          this.engineInstance = engine;
        },
      },
      options,
    );
    return this.starting;
  }
}

/** Every foreground call listens for shutdown while it runs, so the listener count is the number of calls in flight. */
function shutdownController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
