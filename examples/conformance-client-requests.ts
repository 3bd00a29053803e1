/**
 * Conformance fixtures that ask the client mid-call in a plain 2025-11-25 `tools/call` (sampling, elicitation, the
 * SEP-1034 defaults and SEP-1330 enums scenarios of `--suite all`); registered by conformance-fixtures.ts.
 */
import { type InputRequest, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import type { TaskMCP } from 'taskmcp';
import { z } from 'zod';

/**
 * The tools the 2025-11-25 scenarios call with a plain `tools/call` and expect to ask the client mid-call
 * (`elicitation/create`, `sampling/createMessage`). They are written like any input-required tool: on the
 * 2025-11-25 era with `sessions` on, taskmcp sends the request on the call's stream and re-enters the handler
 * with the answer.
 */
export function registerClientRequestTools(server: TaskMCP): void {
  server.tool(
    {
      name: 'test_sampling',
      description: 'Asks the client LLM the given prompt.',
      input: z.object({ prompt: z.string() }),
    },
    ({ prompt }, ctx) => {
      const answer = inputResponse(ctx.inputResponses, 'completion');
      if (answer.kind !== 'sampling') {
        return inputRequired({ inputRequests: { completion: capitalQuestion(prompt, 100) } });
      }
      const content = answer.result.content;
      const text =
        !Array.isArray(content) && content.type === 'text' ? content.text : JSON.stringify(content);
      return `LLM response: ${text}`;
    },
  );

  server.tool(
    {
      name: 'test_elicitation',
      description: 'Asks the user for a username and an email address.',
      input: z.object({ message: z.string() }),
    },
    ({ message }, ctx) =>
      elicitOnce(
        ctx.inputResponses,
        'user_info',
        message,
        {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
        'User response',
      ),
  );

  server.tool(
    {
      name: 'test_elicitation_sep1034_defaults',
      description: 'Elicits with a default for every primitive type.',
    },
    (_, ctx) =>
      elicitOnce(ctx.inputResponses, 'defaults', 'Please review the defaults', {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: {
            type: 'string',
            description: 'User status',
            enum: ['active', 'inactive', 'pending'],
            default: 'active',
          },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
      }),
  );

  server.tool(
    { name: 'test_elicitation_sep1330_enums', description: 'Elicits with all five enum schema variants.' },
    (_, ctx) =>
      elicitOnce(ctx.inputResponses, 'choices', 'Please choose', {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          titledSingle: {
            type: 'string',
            oneOf: [
              { const: 'value1', title: 'First Option' },
              { const: 'value2', title: 'Second Option' },
              { const: 'value3', title: 'Third Option' },
            ],
          },
          legacyEnum: {
            type: 'string',
            enum: ['opt1', 'opt2', 'opt3'],
            enumNames: ['Option One', 'Option Two', 'Option Three'],
          },
          untitledMulti: {
            type: 'array',
            items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          },
          titledMulti: {
            type: 'array',
            items: {
              anyOf: [
                { const: 'value1', title: 'First Choice' },
                { const: 'value2', title: 'Second Choice' },
                { const: 'value3', title: 'Third Choice' },
              ],
            },
          },
        },
      }),
  );
}

type ElicitSchema = Parameters<typeof inputRequired.elicit>[0]['requestedSchema'];

/** Ask once with a wire-ready schema; report whatever the user did (accept, decline or cancel). */
function elicitOnce(
  responses: Readonly<Record<string, unknown>> | undefined,
  key: string,
  message: string,
  requestedSchema: ElicitSchema,
  label = 'Elicitation completed',
) {
  const answer = inputResponse(responses, key);
  if (answer.kind !== 'elicit') {
    return inputRequired({ inputRequests: { [key]: inputRequired.elicit({ message, requestedSchema }) } });
  }
  return `${label}: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
}

/** A sampling request for a short answer (also asked by the input-required fixtures). */
export function capitalQuestion(text: string, maxTokens: number): InputRequest {
  return inputRequired.createMessage({
    messages: [{ role: 'user', content: { type: 'text', text } }],
    maxTokens,
  });
}
