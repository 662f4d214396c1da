
// --- appended by scripts/build-wasm.sh (scripts/trap-guard.js) ---
// A WebAssembly trap is an engine bug (no input may cause one: a Rust panic is built as a bare
// `unreachable` trap, with no message). It leaves the module's memory as the trap found it (a
// workspace marked borrowed, the stack pointer not restored), so after one, no call into this
// instance is trusted again: the method that trapped throws a WebAssembly.RuntimeError that says
// what happened and what to do (the original trap is its `cause`), and every later method call
// on any Workspace of this instance throws the same kind of error instead of running.
// This file is plain script text appended to the glue that defines `class Workspace` (CommonJS
// or ES module alike), so it uses only that binding.
{
  let trappedIn = null;
  const unusable = (method, cause) =>
    new WebAssembly.RuntimeError(
      `baton: the engine trapped in Workspace.${method} (${cause && cause.message}); this is a bug in Baton, ` +
        'please report it with the files that caused it. The WebAssembly instance is now unusable: ' +
        'load the module again (a new worker or process) and make a new Workspace',
      { cause },
    );
  for (const name of Object.getOwnPropertyNames(Workspace.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(Workspace.prototype, name);
    const method = descriptor.value;
    // `free` (and the glue's own `__` helpers it uses) stay as they are: releasing memory is
    // what is left to do after a trap.
    if (name === 'constructor' || name === 'free' || name.startsWith('__') || typeof method !== 'function') continue;
    const guarded = {
      [name](...args) {
        if (trappedIn !== null) throw unusable(trappedIn.method, trappedIn.cause);
        try {
          return method.apply(this, args);
        } catch (e) {
          if (!(e instanceof WebAssembly.RuntimeError)) throw e;
          trappedIn = { method: name, cause: e };
          throw unusable(name, e);
        }
      },
    }[name];
    Object.defineProperty(Workspace.prototype, name, { ...descriptor, value: guarded });
  }
}
