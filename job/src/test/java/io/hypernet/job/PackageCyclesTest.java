package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The job's packages depend on each other one way only (the CLI on top, then run, report,
 * io and failure), and so do the library's (the API in io.hypernet.spark and the ML
 * Transformer above the internals, the GPU scheduling and the Parquet writer), read from the
 * imports and qualified names in the sources, so that a class added to the wrong package fails
 * here rather than tangling the packages unnoticed.
 */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  /** The library's shared sources and both lines' own classes (the tests run in job/). */
  private static final List<Path> LIBRARY_SOURCES = List.of(Path.of("../udf/src/main/java"),
      Path.of("../udf/v3.5/src/main/java"), Path.of("../udf/v4.2/src/main/java"));
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
  // A reference to a class of the job: the package is everything before the first capital.
  private static final Pattern REFERENCE = Pattern.compile(
      "\\b(io\\.hypernet\\.(?:job|spark|ml|parquet|table)(?:\\.[a-z]\\w*)*)\\.[A-Z]");

  @Test
  void jobPackagesHaveNoCycle() throws IOException {
    Map<String, Set<String>> graph = packageGraph(SOURCES);
    assertTrue(graph.keySet().containsAll(Set.of("io.hypernet.job", "io.hypernet.job.io",
        "io.hypernet.job.run")), "sources not found: " + graph.keySet());
    assertEquals(Optional.empty(), cycle(graph), "package cycle");
  }

  @Test
  void libraryPackagesHaveNoCycle() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Path root : LIBRARY_SOURCES) {
      packageGraph(root).forEach((p, uses) ->
          graph.computeIfAbsent(p, k -> new TreeSet<>()).addAll(uses));
    }
    assertTrue(graph.keySet().containsAll(Set.of("io.hypernet.spark", "io.hypernet.ml",
        "io.hypernet.spark.internal", "io.hypernet.spark.internal.gpu", "io.hypernet.parquet",
        "io.hypernet.table")), "sources not found: " + graph.keySet());
    assertEquals(Optional.empty(), cycle(graph), "package cycle");
    // The machinery never reaches up into the API it serves.
    for (String internal : List.of("io.hypernet.spark.internal", "io.hypernet.spark.internal.gpu",
        "io.hypernet.parquet", "io.hypernet.table")) {
      assertTrue(!graph.get(internal).contains("io.hypernet.spark")
          && !graph.get(internal).contains("io.hypernet.ml"), internal + " uses the API: "
          + graph.get(internal));
    }
  }

  @Test
  void findsACycle() {
    Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
    assertEquals(Optional.of(List.of("a", "b", "c", "a")), cycle(graph));
    assertEquals(Optional.empty(), cycle(Map.of("a", Set.of("b"), "b", Set.of())));
  }

  /** Package → the other project packages its classes name (job, library). */
  static Map<String, Set<String>> packageGraph(Path root) throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String source = Files.readString(file);
        Matcher declared = PACKAGE.matcher(source);
        if (!declared.find()) {
          continue;
        }
        Set<String> uses = graph.computeIfAbsent(declared.group(1), p -> new TreeSet<>());
        Matcher reference = REFERENCE.matcher(source.substring(declared.end()));
        while (reference.find()) {
          uses.add(reference.group(1));
        }
        uses.remove(declared.group(1));
      }
    }
    return graph;
  }

  /** The first cycle found by depth-first search, as the packages along it. */
  static Optional<List<String>> cycle(Map<String, Set<String>> graph) {
    Set<String> done = new TreeSet<>();
    for (String start : new TreeSet<>(graph.keySet())) {
      Optional<List<String>> found = visit(graph, start, new ArrayList<>(), done);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> visit(Map<String, Set<String>> graph, String node,
      List<String> path, Set<String> done) {
    int seen = path.indexOf(node);
    if (seen >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
      cycle.add(node);
      return Optional.of(cycle);
    }
    if (done.contains(node)) {
      return Optional.empty();
    }
    path.add(node);
    for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
      Optional<List<String>> found = visit(graph, next, path, done);
      if (found.isPresent()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    done.add(node);
    return Optional.empty();
  }
}
