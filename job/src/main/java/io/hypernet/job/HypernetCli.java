package io.hypernet.job;

import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.failure.SparkMismatch;
import io.hypernet.text.BoundedText;
import java.io.PrintWriter;
import java.util.Properties;
import org.apache.spark.SparkUserAppException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code bin/hypernet} and {@code spark-submit --class io.hypernet.job.HypernetCli}. */
@Command(name = "hypernet", mixinStandardHelpOptions = true, version = "hypernet-spark 0.1.0",
    description = "Materialises hypernet-reconciled parameter matrices W from w vectors with Spark.",
    subcommands = {RunCommand.class, GenerateCommand.class, DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class HypernetCli {
  private static final Logger LOG = LoggerFactory.getLogger(HypernetCli.class);

  public static void main(String[] args) throws SparkUserAppException {
    int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        args);
    if (!insideYarnApplicationMaster(System.getProperties())) {
      System.exit(code); // bin/hypernet, client mode, standalone or Kubernetes driver: 0/1/2/3
    }
    // YARN cluster mode: the ApplicationMaster calls this main in a thread of its own JVM. A
    // System.exit there, even exit(0), runs its shutdown hook before it recorded a final status,
    // which marks the application FAILED (EXIT_EARLY, "Shutdown hook called before final status
    // was reported"). Returning lets it record SUCCEEDED; a SparkUserAppException is what it
    // turns into FAILED with this exit code ("User application exited with status N").
    if (code != 0) {
      throw UserAppExit.exception(code);
    }
  }

  /**
   * Whether main runs as the user class of YARN's ApplicationMaster: it sets these properties
   * before starting the user class (spark.yarn.app.id only in cluster mode).
   */
  static boolean insideYarnApplicationMaster(Properties properties) {
    return properties.getProperty("spark.yarn.app.id") != null
        || ("cluster".equals(properties.getProperty("spark.submit.deployMode"))
            && properties.getProperty("spark.master", "").startsWith("yarn"));
  }

  /**
   * Runs a command line and returns its exit code (REFERENCE.md, "Exit codes") instead of exiting.
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(new HypernetCli(), out, err, args);
  }

  /**
   * Runs {@code command} (this CLI, or a tool built on it such as {@code hypernet bench}) with
   * the CLI's exit codes and error reporting.
   */
  public static int execute(Object command, PrintWriter out, PrintWriter err, String... args) {
    // Enum options take their values in any case (--engine JVM, --mode overwrite).
    CommandLine cli = new CommandLine(command).setOut(out).setErr(err)
        .setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> reportFailure(e, err));
    // Bad flags are an invalid invocation: exit 2, like bad inputs.
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("hypernet: " + e.getMessage());
      e.getCommandLine().usage(e.getCommandLine().getErr());
      return JobFailure.INVALID_INPUT;
    });
    return cli.execute(args);
  }

  /** Prints the one line of a command that threw and returns its exit code. */
  static int reportFailure(Exception thrown, PrintWriter err) {
    // A cluster on another Spark fails deep inside a Spark job: say so instead of its trace.
    Exception e = SparkMismatch.in(thrown).<Exception>map(f -> f).orElse(thrown);
    if (e instanceof JobFailure) {
      // The user's line says what went wrong; the log keeps the trace for whoever digs.
      if (e.getCause() != null && ((JobFailure) e).exitCode() == 1) {
        LOG.error("run failed", e.getCause());
      } else if (e.getCause() != null) {
        LOG.debug("run failed", e.getCause());
      }
      // The pieces are bounded where the message is built; this bounds what they add up to.
      err.println("hypernet: " + BoundedText.of(e.getMessage()));
      err.flush();
      return ((JobFailure) e).exitCode();
    }
    LOG.error("run failed", e);
    err.println("hypernet: failed: " + BoundedText.of(e.toString()));
    err.flush();
    return 1;
  }
}
