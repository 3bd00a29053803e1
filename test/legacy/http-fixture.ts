/**
 * What the 2025-11-25 Streamable HTTP tests set their servers up with: the two principals the SDK v1 client connects
 * as (bearer tokens `alice` and `bob`: one client app, two users) and `greet`, a plain tool that asks its caller
 * for a name (an elicitation on the call's own stream) and then greets them.
 */
import { acceptedContent, inputRequired, staticTokenVerifier, type TaskMCP } from 'taskmcp';
import { z } from 'zod';

/** A verifier for the bearer tokens `alice` and `bob`: client `app`, subjects `alice` and `bob`. */
export const aliceAndBobVerifier = () =>
  staticTokenVerifier({
    alice: { clientId: 'app', sub: 'alice' },
    bob: { clientId: 'app', sub: 'bob' },
  });

const Name = z.object({ name: z.string() });

/** Register `greet` on `server`: asks 'Name?', then answers `Hello, <name>!`. */
export function registerGreet(server: TaskMCP): void {
  server.tool({ name: 'greet', description: 'Asks the caller for a name.' }, (_args, ctx) => {
    const answer = acceptedContent(ctx.inputResponses, 'name', Name);
    if (!answer) {
      return inputRequired({
        inputRequests: { name: inputRequired.elicit({ message: 'Name?', requestedSchema: Name }) },
      });
    }
    return `Hello, ${answer.name}!`;
  });
}
