/**
 * The fixtures the official conformance suite's scenarios call by name (tools, resources and prompts named
 * `test_*` / `test://…`), for the core 2026-07-28 requirements and the 2025-11-25 scenarios of `--suite all`. Their names, texts and shapes are fixed by the suite's scenario
 * descriptions; they are registered on the everything server so one process serves the tasks and the core suites.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  acceptedContent,
  completable,
  fromJsonSchema,
  type InputRequest,
  inputRequired,
  inputResponse,
  MissingRequiredClientCapabilityError,
  ResourceTemplate,
} from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode, type TaskMCP } from 'taskmcp';
import { z } from 'zod';
import { capitalQuestion, registerClientRequestTools } from './conformance-client-requests.js';

/** A 1×1 PNG and a silent WAV header: the smallest valid media the content checks accept. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';

const Name = z.object({ name: z.string() });
const askName = (message = 'What is your name?') => inputRequired.elicit({ message, requestedSchema: Name });

/** requestState must be integrity-protected: the server signs what it hands out and refuses anything else. */
const stateKey = randomBytes(32);
const sign = (payload: string) =>
  `${payload}.${createHmac('sha256', stateKey).update(payload).digest('base64url')}`;
function verified(state: string | undefined): string {
  const dot = state?.lastIndexOf('.') ?? -1;
  const payload = dot > 0 ? state!.slice(0, dot) : '';
  const expected = Buffer.from(sign(payload));
  const actual = Buffer.from(state ?? '');
  if (dot <= 0 || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'requestState failed its integrity check.');
  }
  return payload;
}

export function registerConformanceFixtures(server: TaskMCP): void {
  registerContentTools(server);
  registerInputRequiredTools(server);
  registerClientRequestTools(server);
  registerDiagnosticTools(server);
  registerResources(server);
  registerPrompts(server);
}

/** The tools the stateless (SEP-2575) and custom-header (SEP-2243) scenarios probe the transport with. */
function registerDiagnosticTools(server: TaskMCP): void {
  server.tool(
    { name: 'test_missing_capability', description: 'Needs the sampling capability.' },
    (_, ctx) => {
      if (!ctx.clientCapabilities?.sampling) {
        throw new MissingRequiredClientCapabilityError(
          { requiredCapabilities: { sampling: {} } },
          'This tool samples the client LLM: declare the sampling capability.',
        );
      }
      return 'The client can sample.';
    },
  );
  server.tool({ name: 'test_logging_tool', description: 'Logs at info level.' }, async (_, ctx) => {
    await ctx.info('A log message that only reaches clients that asked for logs.');
    return 'Logged.';
  });
  server.tool(
    { name: 'test_streaming_elicitation', description: 'Asks for input on its response.' },
    (_, ctx) => {
      const answer = acceptedContent(ctx.inputResponses, 'user_name', Name);
      return answer ? `Hello, ${answer.name}!` : inputRequired({ inputRequests: { user_name: askName() } });
    },
  );
  server.tool(
    {
      name: 'test_custom_header',
      description: 'Mirrors its region argument into the Mcp-Param-Region header.',
      input: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }) }),
    },
    ({ region }) => `Region: ${region}`,
  );
}

function registerContentTools(server: TaskMCP): void {
  const fixed = (name: string, description: string, result: () => object) =>
    server.tool({ name, description }, result as () => never);

  fixed('test_simple_text', 'Returns a fixed text.', () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));
  fixed('test_image_content', 'Returns an image.', () => ({
    content: [{ type: 'image', data: PNG, mimeType: 'image/png' }],
  }));
  fixed('test_audio_content', 'Returns audio.', () => ({
    content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }],
  }));
  fixed('test_embedded_resource', 'Returns an embedded resource.', () => ({
    content: [
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ],
  }));
  fixed('test_multiple_content_types', 'Returns text, an image and a resource.', () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: {
          uri: 'test://mixed-content-resource',
          mimeType: 'application/json',
          text: JSON.stringify({ test: 'data', value: 123 }),
        },
      },
    ],
  }));
  server.tool({ name: 'test_error_handling', description: 'Always fails.' }, () => {
    throw new Error('This tool intentionally returns an error for testing');
  });
  server.tool(
    { name: 'test_tool_with_progress', description: 'Reports progress 0, 50, 100 of 100.' },
    async (_, ctx) => {
      for (const progress of [0, 50, 100]) {
        await ctx.reportProgress(progress, 100);
        if (progress < 100) await sleep(50);
      }
      return 'Progress reported.';
    },
  );
  server.tool({ name: 'test_tool_with_logging', description: 'Logs three messages.' }, async (_, ctx) => {
    await ctx.info('Tool execution started');
    await sleep(50);
    await ctx.info('Tool processing data');
    await sleep(50);
    await ctx.info('Tool execution completed');
    return 'Logged.';
  });
  server.tool(
    {
      name: 'json_schema_2020_12_tool',
      description: 'Tool with JSON Schema 2020-12 features',
      input: fromJsonSchema(JSON_SCHEMA_2020_12),
    },
    () => 'ok',
  );
}

const JSON_SCHEMA_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'addressDef',
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here, not a thenable.
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
} as const;

function registerInputRequiredTools(server: TaskMCP): void {
  server.tool(
    { name: 'test_input_required_result_elicitation', description: 'Asks for a name.' },
    (_, ctx) => {
      const answer = acceptedContent(ctx.inputResponses, 'user_name', Name);
      // A missing or malformed answer is asked again rather than failed (SEP-2322 recommends re-requesting).
      if (!answer) return inputRequired({ inputRequests: { user_name: askName() } });
      return `Hello, ${answer.name}!`;
    },
  );

  server.tool(
    { name: 'test_input_required_result_sampling', description: 'Asks the client LLM.' },
    (_, ctx) => {
      const answer = inputResponse(ctx.inputResponses, 'capital_question');
      if (answer.kind !== 'sampling') {
        return inputRequired({
          inputRequests: { capital_question: capitalQuestion('What is the capital of France?', 100) },
        });
      }
      const content = answer.result.content;
      const text =
        !Array.isArray(content) && content.type === 'text' ? content.text : JSON.stringify(content);
      return `The model answered: ${text}`;
    },
  );

  server.tool({ name: 'test_input_required_result_list_roots', description: 'Asks for roots.' }, (_, ctx) => {
    const answer = inputResponse(ctx.inputResponses, 'client_roots');
    if (answer.kind !== 'roots')
      return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    return `Roots: ${answer.roots.map((root) => root.uri).join(', ') || '(none)'}`;
  });

  const Ok = z.object({ ok: z.boolean() });
  server.tool(
    { name: 'test_input_required_result_request_state', description: 'Echoes signed state.' },
    (_, ctx) => {
      const answer = acceptedContent(ctx.inputResponses, 'confirm', Ok);
      if (!answer || ctx.requestState === undefined) {
        return inputRequired({
          inputRequests: {
            confirm: inputRequired.elicit({ message: 'Please confirm', requestedSchema: Ok }),
          },
          requestState: sign('confirm'),
        });
      }
      verified(ctx.requestState);
      return `state-ok: confirmed ${answer.ok}`;
    },
  );

  server.tool(
    { name: 'test_input_required_result_multiple_inputs', description: 'Asks three things.' },
    (_, ctx) => {
      const name = acceptedContent(ctx.inputResponses, 'user_name', Name);
      const greeting = inputResponse(ctx.inputResponses, 'greeting');
      const roots = inputResponse(ctx.inputResponses, 'client_roots');
      if (!name || greeting.kind !== 'sampling' || roots.kind !== 'roots' || ctx.requestState === undefined) {
        return inputRequired({
          inputRequests: {
            user_name: askName(),
            greeting: capitalQuestion('Generate a greeting', 50),
            client_roots: inputRequired.listRoots(),
          },
          requestState: sign('multiple'),
        });
      }
      verified(ctx.requestState);
      return `Hello, ${name.name}: all three answers arrived.`;
    },
  );

  const Color = z.object({ color: z.string() });
  server.tool(
    { name: 'test_input_required_result_multi_round', description: 'Asks in two rounds.' },
    (_, ctx) => {
      const round = ctx.requestState === undefined ? 'start' : verified(ctx.requestState);
      const name = acceptedContent(ctx.inputResponses, 'step1', Name);
      const color = acceptedContent(ctx.inputResponses, 'step2', Color);
      if (round.startsWith('round2:') && color) return `${round.slice(7)} likes ${color.color}.`;
      if (round === 'round1' && name) {
        return inputRequired({
          inputRequests: {
            step2: inputRequired.elicit({
              message: 'Step 2: What is your favorite color?',
              requestedSchema: Color,
            }),
          },
          requestState: sign(`round2:${name.name}`),
        });
      }
      return inputRequired({
        inputRequests: { step1: askName('Step 1: What is your name?') },
        requestState: sign('round1'),
      });
    },
  );

  server.tool(
    { name: 'test_input_required_result_tampered_state', description: 'Refuses forged state.' },
    (_, ctx) => {
      if (ctx.requestState === undefined) {
        return inputRequired({ inputRequests: { user_name: askName() }, requestState: sign('tamper-check') });
      }
      verified(ctx.requestState);
      return 'state-ok';
    },
  );

  server.tool(
    { name: 'test_input_required_result_capabilities', description: 'Asks only what it may.' },
    (_, ctx) => {
      const capabilities = ctx.clientCapabilities ?? {};
      const requests: Record<string, InputRequest> = {};
      if (capabilities.elicitation) requests.user_name = askName();
      if (capabilities.sampling) requests.greeting = capitalQuestion('Generate a greeting', 50);
      if (capabilities.roots) requests.client_roots = inputRequired.listRoots();
      const answered = Object.keys(requests).every(
        (key) => inputResponse(ctx.inputResponses, key).kind !== 'missing',
      );
      if (Object.keys(requests).length > 0 && !answered) return inputRequired({ inputRequests: requests });
      return 'Done with what the client supports.';
    },
  );
}

function registerResources(server: TaskMCP): void {
  server.resource(
    'static-text',
    'test://static-text',
    { mimeType: 'text/plain', description: 'A static text resource.' },
    (uri) => ({
      contents: [
        { uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
      ],
    }),
  );
  server.resource(
    'static-binary',
    'test://static-binary',
    { mimeType: 'image/png', description: 'A static binary resource.' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: PNG }] }),
  );
  server.resource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    { mimeType: 'application/json', description: 'Data for an id.' },
    (uri, { id }) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
        },
      ],
    }),
  );
}

function registerPrompts(server: TaskMCP): void {
  const user = (content: object) => ({ role: 'user' as const, content: content as never });
  server.prompt('test_simple_prompt', { description: 'A prompt without arguments.' }, () => ({
    messages: [user({ type: 'text', text: 'This is a simple prompt for testing.' })],
  }));
  server.prompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two arguments.',
      argsSchema: z.object({
        arg1: completable(z.string().describe('First test argument'), (value) =>
          ['paris', 'park', 'party'].filter((word) => word.startsWith(value)),
        ),
        arg2: z.string().describe('Second test argument'),
      }),
    },
    ({ arg1, arg2 }) => ({
      messages: [user({ type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` })],
    }),
  );
  server.prompt(
    'test_prompt_with_embedded_resource',
    {
      description: 'A prompt that embeds a resource.',
      argsSchema: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
    },
    ({ resourceUri }) => ({
      messages: [
        user({
          type: 'resource',
          resource: {
            uri: resourceUri,
            mimeType: 'text/plain',
            text: 'Embedded resource content for testing.',
          },
        }),
        user({ type: 'text', text: 'Please process the embedded resource above.' }),
      ],
    }),
  );
  server.prompt('test_input_required_result_prompt', { description: 'Asks for context first.' }, (ctx) => {
    const Context = z.object({ context: z.string() });
    const answer = acceptedContent(ctx.mcpReq.inputResponses, 'user_context', Context);
    if (!answer) {
      return inputRequired({
        inputRequests: {
          user_context: inputRequired.elicit({
            message: 'What context should the prompt use?',
            requestedSchema: Context,
          }),
        },
      }) as never;
    }
    return { messages: [user({ type: 'text', text: `Use this context: ${answer.context}` })] };
  });
  server.prompt('test_prompt_with_image', { description: 'A prompt with an image.' }, () => ({
    messages: [
      user({ type: 'image', data: PNG, mimeType: 'image/png' }),
      user({ type: 'text', text: 'Please analyze the image above.' }),
    ],
  }));
}
