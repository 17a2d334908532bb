package io.hypernet.job.notebook;

import java.io.PrintWriter;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * Scala 2.13's interpreter (Spark 4), compiler started, printing to {@code out}: 2.13 takes a
 * reporter instead of a writer and reports a failed start as false instead of throwing.
 */
final class Interpreters {
  private Interpreters() {}

  static IMain started(Settings settings, PrintWriter out) {
    IMain imain = new IMain(settings, new ReplReporterImpl(settings, out));
    if (!imain.initializeCompiler()) {
      imain.close();
      throw new IllegalStateException("the Scala compiler did not start (see its output)");
    }
    return imain;
  }
}
