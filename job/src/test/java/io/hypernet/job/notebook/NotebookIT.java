package io.hypernet.job.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.notebook.NoteRunner.Outcome;
import java.nio.file.Path;
import java.util.List;
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

  @TempDir
  Path replClasses;

  @Test
  void everyParagraphOfTheNoteRuns() throws Exception {
    ZeppelinNote note = ZeppelinNote.read(ROOT.resolve("notebooks/hypernet_reconciliation.zpln"));
    // Surefire and failsafe start the test JVM through a manifest-only jar; the real classpath is here.
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<Outcome> outcomes;
    try (NoteRunner runner = new NoteRunner(ROOT, replClasses, classpath)) {
      outcomes = runner.run(note);
    }

    assertEquals(note.paragraphs().size(), outcomes.size());
    for (Outcome outcome : outcomes) {
      String label = outcome.paragraph().label();
      String interpreter = outcome.paragraph().interpreter();
      if (interpreter.endsWith("pyspark")) {
        assertFalse(outcome.paragraph().enabled(), label + " is not run by tests: keep it disabled");
      } else {
        assertTrue(outcome.paragraph().enabled(), label + " is disabled");
        assertEquals(!interpreter.equals("md"), outcome.ran(), label);
      }
      outcome.rows().ifPresent(rows -> assertTrue(rows > 0, label + " returned no rows"));
    }
    assertTrue(outcomes.stream().anyMatch(o -> o.paragraph().interpreter().endsWith("pyspark")),
        "the note shows PySpark users the API");
  }
}
