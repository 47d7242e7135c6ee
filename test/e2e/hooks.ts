// Mocha root hooks for the e2e tier: one code-server + Chromium for all suites, always torn down.
// The harness passes these to mocha; by hand: mocha --require out/test/e2e/hooks.js 'out/test/e2e/*.test.js'
import type { Context } from 'mocha';
import { startWorld, stopWorld } from './world';

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(180_000);
    await startWorld();
  },
  async afterAll(this: Context): Promise<void> {
    this.timeout(60_000);
    await stopWorld();
  },
};
