/**
 * @opentelemetry/api is an optional peer dependency, as prom-client is for metrics: a server imports it once as it
 * starts. Unlike metrics, nothing asks for tracing, so a missing package is not an error: tracing is simply off. An
 * application that traces has the API installed (its OpenTelemetry SDK depends on it), and with the API but no SDK
 * registered, every span is the API's own no-op: the hooks skip those too (`tracing`), as a transitive API is common.
 */
export type OtelApi = typeof import('@opentelemetry/api');
type TracerProvider = import('@opentelemetry/api').TracerProvider;

let api: OtelApi | undefined;
/** The no-op provider the API's global proxy delegates to until a provider is registered (see `tracing`). */
let unregistered: TracerProvider | undefined;
let loading: Promise<void> | undefined;

/** Import the API if it is installed (idempotent); the hooks may trace from then on. */
export function loadTracing(): Promise<void> {
  loading ??= import('@opentelemetry/api').then(
    (loaded) => {
      // A fresh proxy delegates to the API's one no-op provider (a module constant), as the global proxy does until
      // `trace.setGlobalTracerProvider`. Without the class (a future API), `tracing()` never reports off.
      unregistered =
        typeof loaded.ProxyTracerProvider === 'function'
          ? new loaded.ProxyTracerProvider().getDelegate()
          : undefined;
      api = loaded;
    },
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes("'@opentelemetry/api'")) return;
      throw error;
    },
  );
  return loading;
}

/**
 * The OpenTelemetry API when a span could make a difference anyone sees, else `undefined` (also when the API is not
 * installed, or no server started yet): the hooks in spans.ts then run their work as is, exactly as without the API.
 * Asked on every call (two look-ups of the API's globals), never cached: a provider registered after the server
 * started is honoured from the next call on, and one removed (`trace.disable()`) is no longer paid for.
 *
 * Off takes both of:
 * - no tracer provider registered: the global provider is the API's proxy still delegating to its own no-op
 *   (`getDelegate()`, public on the exported `ProxyTracerProvider`, deprecated only for API 2, outside our peer
 *   range), so every span would be a no-op. Anything else (a provider, also one registered through another copy of
 *   the API, or a provider that is no such proxy) counts as registered;
 * - no propagator registered (`propagation.fields()` empty, as only the no-op propagator's is). With a propagator
 *   (and a context manager) but no provider, the no-op spans still carry the incoming trace context into the
 *   handler's context, the task snapshot and the legs, whose own outgoing calls propagate it: propagation without
 *   an SDK, which skipping would break.
 *
 * With both off, a hook's span could only repeat the ambient span context (or hold none), and nothing reads or
 * writes `traceparent`: `currentTraceContext()` is `undefined` either way.
 */
export function tracing(): OtelApi | undefined {
  if (!api) return undefined;
  const provider = api.trace.getTracerProvider() as { getDelegate?: () => TracerProvider };
  const noProvider =
    unregistered !== undefined &&
    typeof provider.getDelegate === 'function' &&
    provider.getDelegate() === unregistered;
  return noProvider && api.propagation.fields().length === 0 ? undefined : api;
}
