// Prints the plain closing line CI reads: "N passed, N failed, N skipped".
class Summary {
  onRunComplete(_contexts, results) {
    console.log(
      `\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`,
    );
  }
}
module.exports = Summary;
