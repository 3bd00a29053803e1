/**
 * @opentelemetry/api is an optional peer dependency, as prom-client is for metrics: a server imports it once as it
 * starts. Unlike metrics, nothing asks for tracing, so a missing package is not an error: tracing is simply off. An
 * application that traces has the API installed (its OpenTelemetry SDK depends on it), and with the API but no SDK
 * registered, every span is the API's own no-op.
 */
export type OtelApi = typeof import('@opentelemetry/api');

let api: OtelApi | undefined;
let loading: Promise<void> | undefined;

/** Import the API if it is installed (idempotent); the hooks trace from then on. */
export function loadTracing(): Promise<void> {
  loading ??= import('@opentelemetry/api').then(
    (loaded) => {
      api = loaded;
    },
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes("'@opentelemetry/api'")) return;
      throw error;
    },
  );
  return loading;
}

/** The OpenTelemetry API once loaded, or `undefined` (not installed, or no server started yet). */
export function otel(): OtelApi | undefined {
  return api;
}
