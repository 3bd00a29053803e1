// Type-checked code for the Tracing section of docs/composing.md. Each //#region is shown verbatim on that page.
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TaskMCP } from 'taskmcp';
import { z } from 'zod';

declare function fetchAccounts(region: string): Promise<{ count: number }>;

export function setup() {
  //#region setup
  // Before the server starts, in every process: front ends and `taskmcp worker` alike.
  new NodeTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())], // or your OTLP exporter
  }).register(); // also installs W3C trace context propagation and async context tracking
  //#endregion
}

const server = new TaskMCP({ name: 'crm', version: '1.0.0' });

//#region handler
server.tool({ name: 'sync_accounts', input: z.object({ region: z.string() }), task: true }, ({ region }) =>
  // Runs inside the leg's execute_tool span, on whichever worker: this span is its child, in the caller's trace.
  trace.getTracer('crm').startActiveSpan('fetch accounts', async (span) => {
    try {
      return await fetchAccounts(region);
    } finally {
      span.end();
    }
  }),
);
//#endregion
