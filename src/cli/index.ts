#!/usr/bin/env node
/** The `taskmcp` executable (package.json `bin`). */
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Let stdout drain (it is asynchronous when piped on some platforms), then exit even if a library left a handle open.
process.stdout.write('', () => process.exit(code));
