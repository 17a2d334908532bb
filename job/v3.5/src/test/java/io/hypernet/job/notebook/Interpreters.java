package io.hypernet.job.notebook;

import java.io.PrintWriter;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;

/** Scala 2.12's interpreter (Spark 3.5), compiler started, printing to {@code out}. */
final class Interpreters {
  private Interpreters() {}

  static IMain started(Settings settings, PrintWriter out) {
    IMain imain = new IMain(settings, out);
    imain.initializeSynchronous();
    return imain;
  }
}
