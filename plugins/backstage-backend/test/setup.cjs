// Preloaded by scripts/backstage-tests.mjs. @backstage/backend-test-utils stops every backend
// that startTestBackend made, including one whose start failed, in an `afterAll` hook that it
// registers when such a global exists (Jest's). Node's test runner calls it `after`.
const { after } = require('node:test');

// Only in the processes that run test files: `node --test` preloads this in its own process too.
if (process.env.NODE_TEST_CONTEXT) globalThis.afterAll = after;
