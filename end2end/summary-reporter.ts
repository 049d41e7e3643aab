import type { FullConfig, FullResult, Reporter, Suite, TestError } from "@playwright/test/reporter";

/**
 * Prints one machine-readable line at the very end of a run:
 *
 *   playwright: N passed, N failed, N skipped
 *
 * Counts are per test (project × test), by final outcome: flaky (passed on a retry)
 * counts as passed; tests that never ran (e.g. the run was interrupted or global
 * setup failed) count as skipped. Listed after `list` in the config so it prints last.
 */
export default class SummaryReporter implements Reporter {
  private suite: Suite | undefined;
  private globalErrors = 0;

  onBegin(_config: FullConfig, suite: Suite): void {
    this.suite = suite;
  }

  onError(_error: TestError): void {
    this.globalErrors += 1;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const flaky: string[] = [];
    for (const test of this.suite?.allTests() ?? []) {
      switch (test.outcome()) {
        case "flaky":
          flaky.push(test.titlePath().filter(Boolean).join(" › "));
          passed += 1;
          break;
        case "expected":
          passed += 1;
          break;
        case "unexpected":
          failed += 1;
          break;
        case "skipped":
          skipped += 1;
          break;
      }
    }
    if (result.status !== "passed" && failed === 0) {
      // Not a test failure: global setup, a timeout of the whole run, or an interruption.
      process.stdout.write(
        `summary-reporter: run ended with status "${result.status}" (${this.globalErrors} error(s) outside tests, see above)\n`,
      );
    }
    for (const title of flaky) process.stdout.write(`summary-reporter: passed only on retry: ${title}\n`);
    process.stdout.write(`playwright: ${passed} passed, ${failed} failed, ${skipped} skipped, ${flaky.length} flaky\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
