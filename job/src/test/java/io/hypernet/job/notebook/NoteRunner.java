package io.hypernet.job.notebook;

import io.hypernet.job.notebook.ZeppelinNote.Paragraph;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Zeppelin note's paragraphs in order, as Zeppelin's Spark interpreter group would:
 * {@code %spark.conf} sets the properties the session starts with (so it must come before any
 * paragraph that starts it), {@code %spark} runs through Spark's Scala REPL, {@code %sql}
 * through {@code spark.sql}, {@code %md} is only text. PySpark paragraphs are skipped: PySpark
 * is not installed where the tests run. The first paragraph that fails stops the run, as
 * Zeppelin's "Run all" does, with a {@link ParagraphFailedException} naming it.
 */
final class NoteRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NoteRunner.class);

  /** Only text, or not runnable here (PySpark is not installed where the tests run). */
  private static final Set<String> SKIPPED = Set.of("md", "pyspark", "spark.pyspark");

  /** What happened to one paragraph: skipped or ran, and what a %sql paragraph returned. */
  record Outcome(Paragraph paragraph, boolean ran, Optional<SqlResult> result, long millis) {}

  /** The columns and number of rows of a %sql paragraph's (last) result. */
  record SqlResult(List<String> columns, long rows) {}

  static final class ParagraphFailedException extends RuntimeException {
    private final transient Paragraph paragraph;

    ParagraphFailedException(Paragraph paragraph, Throwable cause) {
      super(paragraph.label() + " failed: " + cause.getMessage(), cause);
      this.paragraph = paragraph;
    }

    Paragraph paragraph() {
      return paragraph;
    }
  }

  private final Path baseDir;
  private final Path replClasses;
  private final String classpath;
  private final Map<String, String> conf = new LinkedHashMap<>();
  private SparkSession spark;
  private ScalaRepl repl;

  /**
   * @param baseDir the directory relative {@code spark.jars} entries are resolved against (the
   *     interpreter's working directory in Zeppelin)
   * @param replClasses an empty directory for the REPL's compiled classes
   * @param classpath what the Scala paragraphs compile against
   */
  NoteRunner(Path baseDir, Path replClasses, String classpath) {
    this.baseDir = baseDir;
    this.replClasses = replClasses;
    this.classpath = classpath;
  }

  List<Outcome> run(ZeppelinNote note) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Paragraph paragraph : note.paragraphs()) {
      long start = System.nanoTime();
      boolean ran = !SKIPPED.contains(paragraph.interpreter());
      Optional<SqlResult> result;
      try {
        result = ran ? runOne(paragraph) : Optional.empty();
      } catch (Exception e) { // Spark's AnalysisException is a checked exception, thrown unchecked
        throw new ParagraphFailedException(paragraph, e);
      }
      Outcome outcome =
          new Outcome(paragraph, ran, result, (System.nanoTime() - start) / 1_000_000);
      LOG.info("{}: {} in {} ms", paragraph.label(), ran ? "ran" : "skipped", outcome.millis());
      outcomes.add(outcome);
    }
    return outcomes;
  }

  /** Runs one paragraph; what it returned, if it returns a table. */
  private Optional<SqlResult> runOne(Paragraph paragraph) {
    switch (paragraph.interpreter()) {
      case "spark.conf":
        configure(paragraph.body());
        return Optional.empty();
      case "spark":
      case "spark.spark":
        String output = repl().interpret(paragraph.body());
        LOG.debug("{} printed:\n{}", paragraph.label(), output);
        return Optional.empty();
      case "sql":
      case "spark.sql":
        return Optional.of(sql(paragraph.body()));
      default:
        throw new IllegalArgumentException("no runner for %" + paragraph.interpreter());
    }
  }

  private void configure(String body) {
    if (spark != null) {
      throw new IllegalStateException(
          "%spark.conf must run before the Spark interpreter starts, as in Zeppelin");
    }
    for (String line : body.lines().map(String::trim).toList()) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] keyValue = line.split("\\s+", 2);
      if (!keyValue[0].startsWith("spark.") || keyValue.length < 2) {
        throw new IllegalArgumentException("not a Spark property and value: " + line);
      }
      conf.put(keyValue[0], keyValue[0].equals("spark.jars") ? jars(keyValue[1]) : keyValue[1]);
    }
  }

  /** Spark only logs a jar it cannot add; a note whose jar is missing must fail here. */
  private String jars(String list) {
    return Stream.of(list.split(",")).map(String::trim).map(jar -> {
      Path path = baseDir.resolve(jar);
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("spark.jars: no file " + path);
      }
      return path.toString();
    }).collect(Collectors.joining(","));
  }

  private SqlResult sql(String body) {
    SparkSession session = session();
    SqlResult last = null;
    // %sql runs several statements separated by ';' and shows the last result (a plain split:
    // unlike Zeppelin's, it does not skip a ';' inside a literal or a comment).
    for (String statement : body.split(";")) {
      if (!statement.isBlank()) {
        Dataset<Row> result = session.sql(statement);
        List<Row> rows = result.collectAsList();
        LOG.debug("{} returned {} row(s), first: {}", List.of(result.columns()), rows.size(),
            rows.subList(0, Math.min(rows.size(), 20)));
        last = new SqlResult(List.of(result.columns()), rows.size());
      }
    }
    if (last == null) {
      throw new IllegalArgumentException("no SQL statement");
    }
    return last;
  }

  private SparkSession session() {
    if (spark == null) {
      Map<String, String> settings = new LinkedHashMap<>(conf);
      settings.put("spark.repl.class.outputDir", replClasses.toString());
      spark = LocalSpark.start("local[2]", settings);
      // getOrCreate hands back a running session unchanged: the note's settings would be lost.
      settings.forEach((key, value) -> {
        if (!value.equals(spark.sparkContext().conf().get(key, null))) {
          throw new IllegalStateException("a SparkSession was already running without " + key);
        }
      });
    }
    return spark;
  }

  private ScalaRepl repl() {
    if (repl == null) {
      SparkSession session = session();
      long start = System.nanoTime();
      repl = new ScalaRepl(session, replClasses, classpath);
      LOG.info("Scala REPL started in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
    return repl;
  }

  @Override
  public void close() {
    if (repl != null) {
      repl.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }
}
