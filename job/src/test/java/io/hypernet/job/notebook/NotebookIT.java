package io.hypernet.job.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypernet.job.notebook.NoteRunner.Outcome;
import io.hypernet.job.notebook.NoteRunner.ParagraphFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every paragraph of the Zeppelin note shipped in notebooks/ on a real local Spark, with the
 * shaded jar the note loads (hence an IT: it needs {@code package}). A paragraph that does not
 * compile, throws or whose SQL fails fails this test, named. Only the PySpark paragraph is not
 * run (PySpark cannot be installed here), and the note keeps it disabled.
 */
class NotebookIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  /** Failsafe starts the test JVM through a manifest-only jar; the real classpath is here. */
  private static final String CLASSPATH = System.getProperty("surefire.test.class.path",
      System.getProperty("java.class.path"));

  private static final String NOTE_JAR =
      "job/v3.5/target/hypernet-job-3.5_2.12-0.1.0-SNAPSHOT-spark.jar";

  @TempDir
  Path dir;

  @Test
  void everyParagraphOfTheNoteRunsAndAFailingParagraphStopsTheRun() throws Exception {
    ZeppelinNote note = ZeppelinNote.read(noteForThisLine());
    // One session and REPL for every note here: starting the REPL is most of this test's time.
    try (NoteRunner runner = new NoteRunner(ROOT,
        Files.createDirectories(dir.resolve("repl-classes")), CLASSPATH)) {
      List<Outcome> outcomes = runner.run(note);

      assertEquals(note.paragraphs().size(), outcomes.size());
      for (Outcome outcome : outcomes) {
        String label = outcome.paragraph().label();
        String interpreter = outcome.paragraph().interpreter();
        if (interpreter.endsWith("pyspark")) {
          assertFalse(outcome.paragraph().enabled(), label + " is not run by tests: keep it off");
        } else {
          assertTrue(outcome.paragraph().enabled(), label + " is disabled");
          assertEquals(!interpreter.equals("md"), outcome.ran(), label);
        }
        outcome.result().ifPresent(result -> {
          assertTrue(result.rows() > 0, label + " returned no rows");
          // A chart plots the columns at the positions it names, or shows nothing.
          outcome.paragraph().chartColumns().forEach((index, name) ->
              assertEquals(name, index < result.columns().size()
                  ? result.columns().get(index) : null, label + ": chart column " + index));
        });
      }
      assertTrue(outcomes.stream().anyMatch(o -> o.result().isPresent()
          && !o.paragraph().chartColumns().isEmpty()), "the note charts a result");
      assertTrue(outcomes.stream().anyMatch(o -> o.paragraph().interpreter().endsWith("pyspark")),
          "the note shows PySpark users the API");

      // Each way a paragraph fails stops the run there, named, and the next one never runs.
      for (String failing : List.of(
          "%spark\nspark.range(3).map(i => 1 / (i - i)).collect()", // throws on the executors
          "%spark\nval n: Int = \"three\"", // does not compile
          "%sql\nSELECT * FROM no_such_table",
          "%spark.conf\nspark.sql.shuffle.partitions 2", // the session has started
          "%sh\nls")) { // an interpreter this runner does not have
        assertStopsAt(runner, failing);
      }
    }
  }

  /** The note loads the Spark 3.5 build's jar; run on another line, it loads that line's. */
  private Path noteForThisLine() throws IOException {
    String note = Files.readString(ROOT.resolve("notebooks/hypernet_reconciliation.zpln"));
    assertTrue(note.contains(NOTE_JAR), "the note loads " + NOTE_JAR);
    Path build = Path.of(System.getProperty("hypernet.build"));
    Path jar;
    try (var files = Files.list(build)) {
      jar = files.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow();
    }
    return Files.writeString(dir.resolve("note.zpln"),
        note.replace(NOTE_JAR, ROOT.relativize(jar).toString()));
  }

  private void assertStopsAt(NoteRunner runner, String failing) throws IOException {
    Path note = Files.writeString(dir.resolve("failing.zpln"), new ObjectMapper()
        .writeValueAsString(Map.of("name", "failing", "paragraphs", List.of(
            Map.of("id", "before", "text", "%sql\nSELECT 1"),
            Map.of("id", "failing", "text", failing),
            Map.of("id", "after", "text", "%sql\nSELECT 2")))));
    ParagraphFailedException failed = assertThrows(ParagraphFailedException.class,
        () -> runner.run(ZeppelinNote.read(note)), failing);
    assertEquals("failing", failed.paragraph().id(), failed.getMessage());
  }
}
