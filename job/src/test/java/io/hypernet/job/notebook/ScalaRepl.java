package io.hypernet.job.notebook;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import scala.Console;
import scala.Function0;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * Scala's interpreter (2.12 or 2.13, as the Spark build) set up the way Spark's shell and Zeppelin's Spark interpreter set it
 * up: class-based wrappers (so closures serialize only what they use), classes written to
 * {@code outputDir}, which must be the session's {@code spark.repl.class.outputDir} so that
 * executors load them through Spark's file server, and {@code spark}/{@code sc} bound with
 * Zeppelin's imports.
 */
final class ScalaRepl implements AutoCloseable {
  /** What the interpreter and the paragraphs print ({@code show()} prints to Scala's Console). */
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(output, true, StandardCharsets.UTF_8);
  private final IMain imain;

  ScalaRepl(SparkSession spark, Path outputDir, String classpath) {
    Settings settings = new Settings();
    Tuple2<Object, scala.collection.immutable.List<String>> parsed = settings.processArguments(
        scalaList(List.of("-Yrepl-class-based", "-Yrepl-outdir", outputDir.toString(),
            "-classpath", classpath)), true);
    if (!(Boolean) parsed._1()) {
      throw new IllegalArgumentException("Scala settings refused: " + parsed._2());
    }
    imain = Interpreters.started(settings, new PrintWriter(console, true));
    try {
      bind("spark", SparkSession.class.getName(), spark);
      // Zeppelin's bindings and imports, in one compilation rather than five.
      interpret(String.join("\n", "@transient val sc = spark.sparkContext",
          "import org.apache.spark.SparkContext._", "import spark.implicits._",
          "import spark.sql", "import org.apache.spark.sql.functions._"));
    } catch (RuntimeException e) {
      imain.close();
      throw e;
    }
  }

  /**
   * Compiles and runs {@code code} as one REPL input; throws with the interpreter's output when
   * it does not compile, is incomplete or throws. Zeppelin feeds a paragraph line by line
   * instead; one input is the stricter of the two (a case class used in a Dataset must come
   * from an earlier paragraph here, from an earlier line there).
   */
  String interpret(String code) {
    output.reset();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // As Zeppelin does: code run on the driver resolves the REPL's classes by name too.
    thread.setContextClassLoader(imain.classLoader());
    try {
      Results.Result result = Console.withOut(console,
          (Function0<Results.Result>) () -> imain.interpret(code));
      if (result != Results.Success$.MODULE$) {
        throw new IllegalStateException(
            (result == Results.Incomplete$.MODULE$ ? "incomplete input" : "error") + ":\n"
                + printed());
      }
      return printed();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private void bind(String name, String type, Object value) {
    // @transient, as Spark's shell declares them: closures never drag the session along.
    if (imain.bind(name, type, value, scalaList(List.of("@transient")))
        != Results.Success$.MODULE$) {
      throw new IllegalStateException("cannot bind " + name + ":\n" + printed());
    }
  }

  private String printed() {
    return output.toString(StandardCharsets.UTF_8);
  }

  private static scala.collection.immutable.List<String> scalaList(List<String> list) {
    return JavaConverters.asScalaBuffer(list).toList();
  }

  @Override
  public void close() {
    imain.close();
  }
}
