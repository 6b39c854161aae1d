// Ends a run with one plain line, `N passed, N failed, N skipped`, that any CI can read.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
    const broken = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests: ${line}\n${broken ? `test files failed: ${broken}\n` : ''}`);
  }
}
module.exports = SummaryReporter;
