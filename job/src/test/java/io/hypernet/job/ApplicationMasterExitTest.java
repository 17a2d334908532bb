package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Under YARN's ApplicationMaster (cluster mode) main must return on success and throw on
 * failure, or the AM marks the application failed; everywhere else it exits with its code.
 */
class ApplicationMasterExitTest {
  @Test
  void onlyTheApplicationMastersPropertiesMakeMainReturn() {
    assertTrue(HypernetCli.insideYarnApplicationMaster(properties(
        "spark.yarn.app.id", "application_1_1")));
    assertTrue(HypernetCli.insideYarnApplicationMaster(properties(
        "spark.master", "yarn", "spark.submit.deployMode", "cluster")));
    assertFalse(HypernetCli.insideYarnApplicationMaster(properties(
        "spark.master", "yarn", "spark.submit.deployMode", "client")));
    assertFalse(HypernetCli.insideYarnApplicationMaster(properties(
        "spark.master", "spark://host:7077", "spark.submit.deployMode", "cluster")));
    assertFalse(HypernetCli.insideYarnApplicationMaster(properties()));
  }

  @Test
  void aSuccessfulRunIsReportedAsSucceeded() throws Exception {
    Outcome o = underApplicationMaster(HypernetCli.class.getName(), "--version");
    assertEquals(0, o.exitCode(), o.output());
    assertTrue(o.output().contains("final status: SUCCEEDED 0"), o.output());
  }

  @Test
  void aFailedRunIsReportedWithItsExitCode() throws Exception {
    Outcome o = underApplicationMaster(HypernetCli.class.getName(), "run");
    assertTrue(o.output().contains("hypernet: Missing required options"), o.output());
    assertTrue(o.output().contains("final status: FAILED 2"), o.output());
  }

  /** The stand-in is faithful: a main that calls System.exit(0) comes out as EXIT_EARLY. */
  @Test
  void systemExitInsideTheApplicationMasterIsAFailure() throws Exception {
    Outcome o = underApplicationMaster(ExitingMain.class.getName());
    assertTrue(o.output().contains("final status: FAILED 16 (EXIT_EARLY)"), o.output());
  }

  /** A main that ends as HypernetCli's did before, with System.exit(0). */
  static final class ExitingMain {
    public static void main(String[] args) {
      System.exit(0);
    }
  }

  private record Outcome(int exitCode, String output) {}

  private static Outcome underApplicationMaster(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), ApplicationMasterStandIn.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    return new Outcome(p.exitValue(), output);
  }

  private static Properties properties(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return properties;
  }
}
