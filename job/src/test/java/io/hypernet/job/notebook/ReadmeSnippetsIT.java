package io.hypernet.job.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.notebook.NoteRunner.Outcome;
import io.hypernet.job.notebook.ZeppelinNote.Paragraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user docs' Scala and SQL snippets for library users (docs/library.md, sections "Library
 * API", "Use in an ML pipeline", "Use from SQL"), run in order in Spark's Scala REPL on a
 * generated sample, then checked from Scala: the Transformer's test from Scala, through the REPL
 * as a Scala user meets it.
 */
class ReadmeSnippetsIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String CLASSPATH = System.getProperty("surefire.test.class.path",
      System.getProperty("java.class.path"));
  private static final String DOC = "docs/library.md";
  private static final List<String> SECTIONS =
      List.of("Library API", "Use in an ML pipeline", "Use from SQL");
  private static final Pattern BLOCK = Pattern.compile("```(scala|sql)\\n(.*?)```", Pattern.DOTALL);

  @TempDir
  Path dir;

  @Test
  void theLibraryDocsSnippetsRunAndAgree() throws Exception {
    Path doc = ROOT.resolve(DOC);
    assertTrue(Files.isRegularFile(doc), DOC + " exists (the library snippets live there)");
    String text = Files.readString(doc);
    List<Paragraph> paragraphs = new ArrayList<>();
    paragraphs.add(paragraph(paragraphs, "generate the sample", "spark", String.join("\n",
        "val sample = \"" + dir.resolve("sample") + "\"",
        "io.hypernet.job.sample.SampleData.write(spark, new io.hypernet.job.sample.SampleData"
            + ".Spec(2000, 3, 16, 4, 8, 32, 7, 9, 2), sample)")));
    for (String section : SECTIONS) {
      int start = text.indexOf("\n## " + section + "\n");
      assertTrue(start >= 0, DOC + " has a section \"## " + section + "\" (its snippets are run)");
      int end = text.indexOf("\n## ", start + 1);
      Matcher block = BLOCK.matcher(text.substring(start, end < 0 ? text.length() : end));
      while (block.find()) {
        String interpreter = block.group(1).equals("scala") ? "spark" : "sql";
        paragraphs.add(paragraph(paragraphs, section, interpreter, block.group(2)));
      }
    }
    int snippets = paragraphs.size() - 1;
    assertTrue(snippets >= 4, DOC + "'s sections " + SECTIONS + " hold " + snippets
        + " scala/sql snippets, expected at least 4");
    // What the snippets made, checked from Scala: the batch path, the Transformer saved and
    // reloaded, and SQL agree on every row's W; bad rows are rejected everywhere.
    paragraphs.add(paragraph(paragraphs, "checks", "spark", String.join("\n",
        "val byId = spark.read.parquet(s\"$sample/W\").select($\"id\", $\"W\")",
        "val fromModel = reloaded.transform(vectors).filter($\"W_matrix\".isNotNull)",
        "  .select($\"id\", $\"W_matrix\".as(\"W\"))",
        "val fromSql = spark.sql(\"SELECT id, hypernet_reconcile(config_id, w) AS W FROM vectors\")",
        "  .filter($\"W\".isNotNull)",
        "val written = byId.count()",
        "require(written == 2000 - 9, s\"$written rows written\")",
        "require(spark.read.parquet(s\"$sample/rejects\").count() == 9)",
        "require(fromModel.count() == written && fromSql.count() == written)",
        "def close(a: Seq[Float], b: Seq[Float]) = {",
        "  val scale = math.max(a.map(x => math.abs(x)).max, 1e-30f)",
        "  a.zip(b).forall { case (x, y) => math.abs(x - y) <= 1e-4 * scale } }",
        "val joined = byId.as(\"j\").join(fromModel.as(\"m\"), \"id\").join(fromSql.as(\"s\"), \"id\")",
        "  .select($\"j.W\", $\"m.W\", $\"s.W\").collect()",
        "require(joined.length == written)",
        "require(joined.forall(r => close(r.getSeq[Float](0), r.getSeq[Float](1))",
        "  && close(r.getSeq[Float](0), r.getSeq[Float](2))), \"W differs between paths\")",
        "require(withW.filter($\"reason\".isNotNull).count() == 9)")));

    try (NoteRunner runner = new NoteRunner(ROOT,
        Files.createDirectories(dir.resolve("repl-classes")), CLASSPATH)) {
      List<Outcome> outcomes = runner.run(new ZeppelinNote(DOC, paragraphs));
      assertEquals(paragraphs.size(), outcomes.stream().filter(Outcome::ran).count());
    }
  }

  private static Paragraph paragraph(List<Paragraph> before, String title, String interpreter,
      String body) {
    return new Paragraph(before.size() + 1, "docs-" + (before.size() + 1), title, interpreter,
        body, true, Map.of());
  }
}
