package io.hypernet.job.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A Zeppelin note as its {@code .zpln} JSON file stores it: paragraphs in order. */
record ZeppelinNote(String name, List<Paragraph> paragraphs) {

  /**
   * One paragraph: the interpreter named on its first line ({@code %spark.conf}, {@code %sql},
   * ...; the note's default group when none is named), the text after that line, and the result
   * columns its charts plot, by position (Zeppelin stores a chart's keys, groups and values as
   * a column's name and index).
   */
  record Paragraph(int number, String id, String title, String interpreter, String body,
      boolean enabled, Map<Integer, String> chartColumns) {
    String label() {
      return "paragraph " + number + (title.isEmpty() ? "" : " \"" + title + "\"") + " (" + id
          + ", %" + interpreter + ")";
    }
  }

  static ZeppelinNote read(Path file) throws IOException {
    JsonNode note = new ObjectMapper().readTree(file.toFile());
    String defaultInterpreter = note.path("defaultInterpreterGroup").asText("spark");
    List<Paragraph> paragraphs = new ArrayList<>();
    for (JsonNode p : note.required("paragraphs")) {
      String text = p.path("text").asText("");
      String interpreter = defaultInterpreter;
      String body = text;
      if (text.startsWith("%")) {
        int eol = text.indexOf('\n');
        String head = (eol < 0 ? text : text.substring(0, eol)).trim();
        // "%sql(key=value)" carries local properties after the name.
        interpreter = head.substring(1).split("[\\s(]", 2)[0];
        body = eol < 0 ? "" : text.substring(eol + 1);
      }
      // Zeppelin treats a paragraph without "enabled" as enabled.
      boolean enabled = p.path("config").path("enabled").asBoolean(true);
      paragraphs.add(new Paragraph(paragraphs.size() + 1, p.path("id").asText(),
          p.path("title").asText(""), interpreter, body, enabled, chartColumns(p)));
    }
    return new ZeppelinNote(note.path("name").asText(file.getFileName().toString()), paragraphs);
  }

  private static Map<Integer, String> chartColumns(JsonNode paragraph) {
    Map<Integer, String> columns = new TreeMap<>();
    for (JsonNode result : paragraph.path("config").path("results")) {
      JsonNode graph = result.path("graph");
      if (!graph.path("mode").asText("table").equals("table")) {
        for (String role : List.of("keys", "groups", "values")) {
          for (JsonNode column : graph.path(role)) {
            columns.put(column.path("index").asInt(), column.path("name").asText());
          }
        }
      }
    }
    return columns;
  }
}
