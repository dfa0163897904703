import { startTestApp, type StartTestAppOptions, type TestApp } from './test-app.js';

/** The environment of an app, or a function giving it once the suite's earlier `beforeAll`s have run. */
export type TestAppEnv = Record<string, string> | (() => Record<string, string>);

/**
 * One app for the enclosing `describe` (or file): started by `startTestApp`
 * in a `beforeAll`, closed in an `afterAll`. Returns the app itself, read
 * through on every use, so it can be passed and used like the one
 * `startTestApp` resolves to, from the tests and hooks that run after the
 * start. `env` may be a function, for settings known only once earlier
 * `beforeAll`s have run (emulators, proxies).
 */
export function useTestApp(env: TestAppEnv = {}, options: StartTestAppOptions = {}): TestApp {
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await startTestApp(typeof env === 'function' ? env() : env, options);
  });
  afterAll(async () => {
    await started?.close();
    started = undefined;
  });
  const current = (): TestApp => {
    if (!started) throw new Error('the test app is used outside the tests of the describe that started it');
    return started;
  };
  return new Proxy({} as TestApp, {
    get: (_target, property): unknown => Reflect.get(current(), property),
    has: (_target, property) => Reflect.has(current(), property),
  });
}
