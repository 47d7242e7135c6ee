import * as assert from 'node:assert/strict';
import { detectSandbox, formatSandboxReport, sandboxDoctor } from '../../../src/node/sandbox';

// The sandbox doctor reads the machine: its verdict must agree with whether a sandbox really starts.
describe('sandbox doctor (issue 14)', () => {
  it('agrees with a real probe and lists every check', async () => {
    const report = await sandboxDoctor();
    assert.equal(report.ok, (await detectSandbox()).available);
    assert.ok(report.checks.some((c) => c.name === 'a sandbox starts'));
    const text = formatSandboxReport(report);
    assert.match(text, report.ok ? /✓ a sandbox starts/ : /✗ a sandbox starts/);
  });

  it('a broken bwrap is reported with what it means and a fix', async () => {
    const report = await sandboxDoctor({ bwrapPath: '/bin/false' });
    assert.equal(report.ok, false);
    const failing = report.checks.filter((c) => !c.ok);
    assert.ok(failing.length > 0);
    assert.match(report.summary, /^No sandbox here \(.*\), so commands set to run in the sandbox ask instead/s);
  });
});
