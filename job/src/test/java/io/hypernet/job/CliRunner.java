package io.hypernet.job;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process, capturing what a user would see. */
final class CliRunner {
  /** Exit code and console output of one command line. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private CliRunner() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HypernetCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }
}
