package io.hypernet.job.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.failure.JobFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs and rejects that would replace or delete an input are refused, however spelled. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class PathGuardTest {
  private final PathGuard guard = new PathGuard(new Configuration());

  @TempDir
  Path dir;
  private String in;
  private String configs;

  @BeforeEach
  void inputs() throws IOException {
    in = Files.createDirectories(dir.resolve("d/w")).toString();
    configs = Files.createDirectories(dir.resolve("d/configs")).toString();
  }

  @Test
  void anOutputOutsideTheInputsIsAccepted() {
    assertEquals("_rejects", guard.check(List.of(in), configs, dir + "/out", null));
    assertNull(guard.check(List.of(in), configs, dir + "/out", dir + "/rejects"));
    assertNull(guard.check(List.of(in), configs, dir + "/d/w-out", dir + "/d/w-rejects"),
        "a name that merely starts like the input's is another path");
  }

  @Test
  void theOutputMayNotBeTheInputsOrAboveOrBelowThem() throws IOException {
    refused(in, configs, in, null, "--output " + in, "--input " + in);
    refused(in, configs, configs, null, "--output " + configs, "--configs " + configs);
    refused(in, configs, in + "/", null, "is the same path");
    refused(in, configs, dir + "/d/configs/../w", null, "is the same path");
    refused(in, configs, dir + "/d", null, "is inside or above it");
    refused(in, configs, in + "/out", null, "is inside or above it");
    String relative = Path.of("").toAbsolutePath().relativize(Path.of(in)).toString();
    refused(in, configs, relative, null, "is the same path");
    Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of(in));
    refused(in, configs, link.toString(), null, "is the same path");
    refused(in, configs, link + "/not-yet/out", null, "is inside or above it");
    refused(link.toString(), configs, in + "/out", null, "is inside or above it");
  }

  /** Resolving an hdfs:// path makes no call to a NameNode: none runs here. */
  @Test
  void oneNameNodeUnderTwoNamesIsOneFilesystem() {
    String hdfsIn = "hdfs://localhost/data/w";
    String hdfsConfigs = "hdfs://localhost:8020/data/configs";
    refused(hdfsIn, hdfsConfigs, "hdfs://127.0.0.1:8020/data/w/W", null,
        "is inside or above it");
    refused(hdfsIn, hdfsConfigs, "hdfs://127.0.0.1/data", null, "is inside or above it");
    refused(hdfsIn, hdfsConfigs, "hdfs://localhost:8020/data/w", null, "is the same path");
    assertEquals("_rejects", guard.check(List.of(hdfsIn), hdfsConfigs,
        "hdfs://localhost:9000/data/w/W", null), "another port is another NameNode");
  }

  @Test
  void theRejectsMayNotBeAnInputNorTheOutputOrAboveIt() {
    String out = dir + "/out";
    refused(in, configs, out, in, "--rejects " + in, "--input " + in);
    refused(in, configs, out, configs + "/bad", "--rejects " + configs + "/bad", "--configs");
    refused(in, configs, out, dir + "/d", "is inside or above it");
    refused(in, configs, out, out, "--rejects " + out, "--output " + out,
        "is the output or a directory above it");
    refused(in, configs, dir + "/x/out/y/..", dir + "/x", "is the output or a directory above it");
  }

  @Test
  void rejectsInsideTheOutputArePublishedWithItUnderAHiddenName() {
    String out = dir + "/out";
    assertEquals("_bad", guard.check(List.of(in), configs, out, out + "/_bad"));
    assertEquals("_bad/rows", guard.check(List.of(in), configs, out, out + "/_bad/rows/"));
    refused(in, configs, out, out + "/bad", "--rejects " + out + "/bad",
        "name Spark would read as part of the output dataset");
  }

  @Test
  void noPathMayLieInThePublishFilesOfTheOutputOrRejects() throws IOException {
    String staged = Files.createDirectories(dir.resolve("out.staging-app-1/w")).toString();
    refused(staged, configs, dir + "/out", null, "--input " + staged, "publish of");
    refused(in, configs, dir + "/out", dir + "/out.aside-app-1", "--rejects", "publish of");
    refused(in, configs, dir + "/rej.lease-x", dir + "/rej", "--output " + dir + "/rej.lease-x",
        "publish of");
  }

  /** Each of several inputs is checked, and a glob as every path it matches now. */
  @Test
  void everyInputAndEveryMatchOfAGlobIsChecked() throws IOException {
    String other = Files.createDirectories(dir.resolve("e/w")).toString();
    assertNull(guard.check(List.of(in, other, dir + "/*/w"), configs, dir + "/out",
        dir + "/rejects"));
    refused(in + ";" + other, configs, other + "/out", null, "--input " + other,
        "is inside or above it");
    refused(in + ";" + dir + "/*/w", configs, other, null, "--input " + dir + "/*/w",
        "--output " + other, "is the same path");
    refused(dir + "/{d,e}/w", configs, dir + "/out", other + "/bad", "--rejects",
        "--input " + dir + "/{d,e}/w");
  }

  /** Inputs separated by ';'. */
  private void refused(String input, String conf, String output, String rejects,
      String... fragments) {
    JobFailure failure = assertThrows(JobFailure.class,
        () -> guard.check(List.of(input.split(";")), conf, output, rejects), output + " / " + rejects);
    assertEquals(JobFailure.INVALID_INPUT, failure.exitCode());
    for (String fragment : fragments) {
      assertTrue(failure.getMessage().contains(fragment), failure.getMessage());
    }
  }
}
