/**
 * The dashboard's script (served as `app.js`): plain browser JavaScript with no dependencies and no build step,
 * kept as strings so `tsc` ships it in dist as is (they contain no backquote). Two halves by concern, one scope:
 * script-live.ts (token, API, stream) and script-view.ts (table, detail, cancel, wiring).
 */

import { LIVE } from './script-live.js';
import { VIEW } from './script-view.js';

export const SCRIPT = `'use strict';
(() => {
${LIVE}
${VIEW}})();
`;
