// Preloaded by scripts/backstage-tests.mjs before a frontend test bundle: a jsdom window as the
// globals React, Material UI and Testing Library expect (what Jest's jsdom environment gives).
const { after } = require('node:test');
const { JSDOM, VirtualConsole } = require('jsdom');

// jsdom's CSS parser does not know nested rules, which Backstage UI's stylesheets use; it
// reports each as an error and carries on. Those reports are noise here; any other is shown.
const virtualConsole = new VirtualConsole();
virtualConsole.sendTo(console, { omitJSDOMErrors: true });
virtualConsole.on('jsdomError', (error) => {
  if (!error.message.startsWith('Could not parse CSS stylesheet')) console.error(error);
});
const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
  url: 'http://localhost/',
  pretendToBeVisual: true,
  virtualConsole,
});
const { window } = dom;
globalThis.window = window;
// The window's own properties and those of its prototypes (addEventListener and the rest of
// EventTarget live there); methods are bound to the window, classes are kept as they are.
const names = new Set();
for (let o = window; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
  for (const key of Object.getOwnPropertyNames(o)) names.add(key);
}
for (const key of names) {
  if (key in globalThis) continue;
  Object.defineProperty(globalThis, key, {
    configurable: true,
    get: () => {
      const value = window[key];
      return typeof value === 'function' && !/^[A-Z]/.test(key) ? value.bind(window) : value;
    },
    set: (value) => {
      window[key] = value;
    },
  });
}
// jsdom has no CSS namespace; React Aria (under Backstage UI) calls CSS.escape. The algorithm
// of CSSOM's "serialize an identifier" (https://drafts.csswg.org/cssom/#serialize-an-identifier).
if (typeof globalThis.CSS === 'undefined') {
  const escape = (value) => {
    const text = String(value);
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const ch = text.charAt(i);
      if (c === 0) out += '\uFFFD';
      else if ((c >= 0x1 && c <= 0x1f) || c === 0x7f) out += `\\${c.toString(16)} `;
      else if (i === 0 && c >= 0x30 && c <= 0x39) out += `\\${c.toString(16)} `;
      else if (i === 1 && c >= 0x30 && c <= 0x39 && text.charCodeAt(0) === 0x2d) out += `\\${c.toString(16)} `;
      else if (i === 0 && text.length === 1 && c === 0x2d) out += `\\${ch}`;
      else if (c >= 0x80 || c === 0x2d || c === 0x5f || /[0-9A-Za-z]/.test(ch)) out += ch;
      else out += `\\${ch}`;
    }
    return out;
  };
  globalThis.CSS = { escape, supports: () => false };
  window.CSS = globalThis.CSS;
}
// React's act() checks this to know it runs in a test.
globalThis.IS_REACT_ACT_ENVIRONMENT = true;
// The window's animation-frame timer would keep the process alive after the last test. Only in
// the processes that run test files (`node --test` preloads this in its own process as well,
// where a hook would print an empty second summary).
if (process.env.NODE_TEST_CONTEXT) after(() => window.close());
