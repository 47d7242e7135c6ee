// A mocha reporter for the unit tier: mocha's spec output, plus every test's title and state written to
// out/test-results/unit.json for `npm run test:safety`. `npm test` passes it to `npm run test:unit`:
//   mocha --config .mocharc.json --reporter ./out/test/safety/unitReporter.js
import Mocha from 'mocha';
import { UNIT_RESULTS_FILE } from '../harness/artifacts';
import type { PersistedTier } from '../harness/results';
import { recordInto, writeResults } from './record';

class UnitResultsReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const tier: PersistedTier = { name: 'unit', passes: 0, failures: 0, pending: 0, tests: [] };
    recordInto(runner, tier);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () =>
      writeResults(UNIT_RESULTS_FILE, { finishedAt: new Date().toISOString(), complete: true, tiers: [tier] }),
    );
  }
}

export = UnitResultsReporter;
