package io.hypernet.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypernet.parquet.FieldIds;
import io.hypernet.spark.internal.TestHooks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta Lake tables, committed by writing the table's log ourselves (the Delta protocol, reader
 * version 1, writer version 2): one {@code _delta_log/<version>.json} per run, naming the bulk
 * writer's files as they are, partitioned by config_id. A version is put only if absent (a
 * rename that never replaces, as Delta's own HDFS log store does), so two writers cannot both
 * commit it. No Delta jar is needed to write; readers need one.
 */
public final class DeltaTables {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOG_DIRECTORY = "_delta_log";
  private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
  /** Versions an append tries when other writers' appends take the one it wanted. */
  private static final int APPEND_ATTEMPTS = 10;
  /** A string id bound longer than this is left out of a file's statistics (it only prunes). */
  private static final int MAX_STRING_BOUND = 64;
  /** The step at which a test may halt the driver: the log's version written, not yet named. */
  static final String LOG_WRITTEN_STEP = "table-log-written";

  private DeltaTables() {}

  /**
   * Reads the table's log, or prepares to create the table with this run's first commit, and
   * checks that it can take this run's rows before anything is written.
   *
   * @param schema the rows' Spark schema: id, config_id, n, D, W
   * @param runId names the run's data directory, so no run writes over another's files
   * @throws IllegalArgumentException when the mode or the table refuses the write
   */
  public static TableWrite begin(DeltaTarget target, StructType schema, String runId,
      Configuration hadoop) {
    try {
      Path root = new Path(target.location());
      FileSystem fs = root.getFileSystem(hadoop);
      root = fs.makeQualified(root);
      String name = "delta.`" + root + "`";
      String configColumn = schema.fieldNames()[1];
      LogState state = LogState.read(fs, new Path(root, LOG_DIRECTORY), name);
      if (!state.exists()) {
        checkNothingElseAt(fs, root);
      }
      if (state.exists()) {
        if (target.mode() == TableMode.ERROR) {
          throw new IllegalArgumentException("table " + name + " exists; mode append, overwrite "
              + "or overwrite-partitions writes into it");
        }
        state.checkWritable(name, schema, configColumn, target.mode());
      }
      return new Write(name, fs, root, state, schema, configColumn, target.mode(), runId,
          hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the Delta log of " + target.location() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * A new table goes where nothing is, or only the files of runs that never committed: files of
   * another kind (a Parquet output, say) would lie in the table unnamed by its log.
   */
  private static void checkNothingElseAt(FileSystem fs, Path root) throws IOException {
    if (!fs.exists(root)) {
      return;
    }
    for (FileStatus entry : fs.listStatus(root)) {
      String entryName = entry.getPath().getName();
      if (!entryName.equals(LOG_DIRECTORY) && !entryName.startsWith(RunFiles.RUN_PREFIX)
          && !entryName.startsWith(".")) {
        throw new IllegalArgumentException(root + " is not a Delta table (no " + LOG_DIRECTORY
            + ") and holds " + entry.getPath() + "; create the table in a new or empty "
            + "location");
      }
    }
  }

  /** What the log says up to its latest version: the live files, the layout, the runs named. */
  private static final class LogState {
    private final Path log;
    private long version = -1;
    private JsonNode protocol;
    private JsonNode metadata;
    /** The add action of each live file, by path. */
    private final Map<String, JsonNode> live = new LinkedHashMap<>();
    /** The first segment of every file any version added: the runs' directories. */
    private final Set<String> runDirectories = new HashSet<>();

    private LogState(Path log) {
      this.log = log;
    }

    static LogState read(FileSystem fs, Path log, String name) throws IOException {
      LogState state = new LogState(log);
      TreeMap<Long, Path> versions = versions(fs, log);
      if (!versions.isEmpty() && versions.firstKey() != 0) {
        throw new IllegalArgumentException("the log of table " + name + " starts at version "
            + versions.firstKey() + " (older versions were cleaned up after a checkpoint); "
            + "hypernet replays a Delta log from version 0 and cannot commit to this table");
      }
      for (Map.Entry<Long, Path> entry : versions.entrySet()) {
        if (entry.getKey() != state.version + 1) {
          throw new IOException("the log of table " + name + " has no version "
              + (state.version + 1) + " before " + entry.getValue());
        }
        state.apply(entry.getKey(), actions(fs, entry.getValue()));
      }
      return state;
    }

    /** The log's commit files, by version. */
    static TreeMap<Long, Path> versions(FileSystem fs, Path log) throws IOException {
      TreeMap<Long, Path> versions = new TreeMap<>();
      if (!fs.exists(log)) {
        return versions;
      }
      for (FileStatus status : fs.listStatus(log)) {
        Matcher commit = COMMIT_FILE.matcher(status.getPath().getName());
        if (commit.matches()) {
          versions.put(Long.parseLong(commit.group(1)), status.getPath());
        }
      }
      return versions;
    }

    static List<JsonNode> actions(FileSystem fs, Path commit) throws IOException {
      List<JsonNode> actions = new ArrayList<>();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(fs.open(commit), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (!line.isBlank()) {
            actions.add(JSON.readTree(line));
          }
        }
      }
      return actions;
    }

    void apply(long newVersion, List<JsonNode> actions) {
      for (JsonNode action : actions) {
        if (action.has("protocol")) {
          protocol = action.get("protocol");
        } else if (action.has("metaData")) {
          metadata = action.get("metaData");
        } else if (action.has("add")) {
          String path = action.get("add").get("path").asText();
          live.put(path, action.get("add"));
          runDirectories.add(path.split("/", 2)[0]);
        } else if (action.has("remove")) {
          live.remove(action.get("remove").get("path").asText());
        }
      }
      version = newVersion;
    }

    boolean exists() {
      return version >= 0;
    }

    /** A table hypernet can write: protocol 1/2, its columns, partitioned by config_id. */
    void checkWritable(String name, StructType schema, String configColumn, TableMode mode) {
      int reader = protocol == null ? 1 : protocol.path("minReaderVersion").asInt(1);
      int writer = protocol == null ? 2 : protocol.path("minWriterVersion").asInt(2);
      if (reader > 1 || writer > 2) {
        throw new IllegalArgumentException("table " + name + " needs Delta reader version "
            + reader + " and writer version " + writer + " (table features such as column "
            + "mapping or deletion vectors); hypernet writes tables of reader version 1, writer "
            + "version 2");
      }
      if (metadata == null) {
        throw new IllegalArgumentException("table " + name + " has no metadata in its log");
      }
      StructType columns = (StructType) DataType.fromJson(metadata.get("schemaString").asText());
      if (!columns.catalogString().equals(schema.catalogString())) {
        throw new IllegalArgumentException("table " + name + " has columns "
            + columns.catalogString() + ", not those of the rows " + schema.catalogString());
      }
      List<String> partitioning = new ArrayList<>();
      metadata.path("partitionColumns").forEach(column -> partitioning.add(column.asText()));
      if (!partitioning.equals(List.of(configColumn))) {
        throw new IllegalArgumentException("table " + name + " is partitioned by "
            + partitioning + "; hypernet writes tables partitioned by " + configColumn
            + " only");
      }
      if (mode != TableMode.APPEND && "true".equalsIgnoreCase(
          metadata.path("configuration").path("delta.appendOnly").asText())) {
        throw new IllegalArgumentException("table " + name + " is append-only "
            + "(delta.appendOnly); mode " + mode.name().toLowerCase(Locale.ROOT).replace('_', '-')
            + " would remove rows");
      }
    }

    /** Whether a version after ours changed the table's protocol or metadata. */
    boolean layoutChangedSince(FileSystem fs, long since) throws IOException {
      for (Map.Entry<Long, Path> entry : versions(fs, log).tailMap(since, false).entrySet()) {
        for (JsonNode action : actions(fs, entry.getValue())) {
          if (action.has("metaData") || action.has("protocol")) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** One run's files and their commit. */
  private static final class Write extends RunDirectoryWrite {
    private final FileSystem fs;
    private final LogState state;
    private final StructType schema;
    private final String configColumn;
    private final TableMode mode;

    Write(String name, FileSystem fs, Path root, LogState state, StructType schema,
        String configColumn, TableMode mode, String runId, Configuration hadoop) {
      super(name, root, runId, hadoop);
      this.fs = fs;
      this.state = state;
      this.schema = schema;
      this.configColumn = configColumn;
      this.mode = mode;
    }

    /** None: a Delta table without column mapping maps columns by name. */
    @Override
    public FieldIds fieldIds() {
      return null;
    }

    @Override
    public TableCommit commit(Map<String, String> summary) throws IOException {
      long started = System.nanoTime();
      long now = System.currentTimeMillis();
      List<ObjectNode> adds = new ArrayList<>();
      Set<String> configIds = new HashSet<>();
      long rows = 0;
      long bytes = 0;
      for (RunFiles.Footer footer : RunFiles.footers(fs, directory, hadoop)) {
        ObjectNode add = addAction(footer);
        configIds.add(add.get("partitionValues").get(configColumn).asText());
        adds.add(add);
        rows += footer.rows();
        bytes += footer.status().getLen();
      }
      List<ObjectNode> actions = new ArrayList<>();
      actions.add(commitInfo(summary, now, adds.size(), rows, bytes));
      if (!state.exists()) {
        actions.add(JSON.createObjectNode().set("protocol", JSON.createObjectNode()
            .put("minReaderVersion", 1).put("minWriterVersion", 2)));
        actions.add(metadata(now));
      } else if (mode != TableMode.APPEND) {
        for (JsonNode add : state.live.values()) {
          if (mode == TableMode.OVERWRITE || configIds.contains(
              add.path("partitionValues").path(configColumn).asText())) {
            actions.add(removeAction(add, now));
          }
        }
      }
      for (ObjectNode add : adds) {
        actions.add(JSON.createObjectNode().set("add", add));
      }
      StringBuilder content = new StringBuilder();
      for (ObjectNode action : actions) {
        content.append(JSON.writeValueAsString(action)).append('\n');
      }
      long version = put(content.toString().getBytes(StandardCharsets.UTF_8));
      committed = true;
      LOG.info("committed {} files, {} rows to {} as version {} ({} ms)", adds.size(), rows,
          name(), version, (System.nanoTime() - started) / 1_000_000);
      return new TableCommit(name(), version, adds.size(), rows);
    }

    /**
     * Puts the commit at the version after the one this run read. Another writer's version
     * there is a conflict, except for an append, which nothing but a change of the table's
     * layout conflicts with: it takes the next free version.
     */
    private long put(byte[] commit) throws IOException {
      Path log = state.log;
      long version = state.version + 1;
      for (int attempt = 1; ; attempt++) {
        try {
          putIfAbsent(new Path(log, String.format(Locale.ROOT, "%020d.json", version)), commit);
          return version;
        } catch (FileAlreadyExistsException e) {
          boolean retry = mode == TableMode.APPEND && state.exists()
              && attempt < APPEND_ATTEMPTS && !state.layoutChangedSince(fs, state.version);
          if (!retry) {
            throw new TableConflictException("another writer committed version " + version
                + " of table " + name() + " while this run wrote it; nothing of this run was "
                + "committed", e);
          }
          version = LogState.versions(fs, log).lastKey() + 1;
          LOG.info("another writer took version {} of {}; this append takes {}", version - 1,
              name(), version);
        }
      }
    }

    /** Writes a hidden temporary, then renames it to {@code target} unless that exists. */
    private void putIfAbsent(Path target, byte[] content) throws IOException {
      Path temporary = new Path(target.getParent(),
          "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
      try (FSDataOutputStream out = fs.create(temporary, false)) {
        out.write(content);
      }
      TestHooks.afterPublishStep(LOG_WRITTEN_STEP);
      try {
        FileContext.getFileContext(target.toUri(), hadoop).rename(temporary, target,
            Options.Rename.NONE);
      } finally {
        fs.delete(temporary, false); // gone after a rename; left by a refused one
      }
    }

    private ObjectNode commitInfo(Map<String, String> summary, long now, int files, long rows,
        long bytes) throws IOException {
      ObjectNode parameters = JSON.createObjectNode()
          .put("mode", mode == TableMode.APPEND || !state.exists() ? "Append" : "Overwrite")
          .put("partitionBy", JSON.writeValueAsString(List.of(configColumn)));
      if (mode == TableMode.OVERWRITE_PARTITIONS && state.exists()) {
        parameters.put("partitionOverwriteMode", "DYNAMIC");
      }
      ObjectNode info = JSON.createObjectNode().put("timestamp", now).put("operation", "WRITE");
      info.set("operationParameters", parameters);
      info.put("isolationLevel", "Serializable")
          .put("isBlindAppend", mode == TableMode.APPEND || !state.exists());
      info.set("operationMetrics", JSON.createObjectNode().put("numFiles", "" + files)
          .put("numOutputRows", "" + rows).put("numOutputBytes", "" + bytes));
      info.put("engineInfo", "hypernet-spark")
          .put("userMetadata", JSON.writeValueAsString(new TreeMap<>(summary)));
      return JSON.createObjectNode().set("commitInfo", info);
    }

    private ObjectNode metadata(long now) {
      ObjectNode metadata = JSON.createObjectNode().put("id", UUID.randomUUID().toString());
      ObjectNode format = JSON.createObjectNode().put("provider", "parquet");
      format.set("options", JSON.createObjectNode());
      metadata.set("format", format);
      metadata.put("schemaString", schema.json());
      metadata.set("partitionColumns", JSON.createArrayNode().add(configColumn));
      metadata.set("configuration", JSON.createObjectNode());
      metadata.put("createdTime", now);
      return JSON.createObjectNode().set("metaData", metadata);
    }

    /**
     * The file's add action: its path relative to the table, its config_id (read from its
     * footer, a file holds one) and statistics that let readers skip it: row count, bounds of
     * the id, n and D, no nulls. W gets none, as Delta keeps none for an array.
     */
    private ObjectNode addAction(RunFiles.Footer footer) throws IOException {
      MessageType parquetSchema = footer.metadata().getFileMetaData().getSchema();
      Map<String, Statistics<?>> bounds = new HashMap<>();
      for (BlockMetaData block : footer.metadata().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          if (column.getPath().size() == 1) { // a key column, not W's element
            PrimitiveType field = parquetSchema.getType(column.getPath().toArray())
                .asPrimitiveType();
            bounds.computeIfAbsent(field.getName(), c -> Statistics.createStats(field))
                .mergeStatistics(column.getStatistics());
          }
        }
      }
      Path file = footer.status().getPath();
      String configId = RunFiles.onlyConfig(file, bounds.remove(configColumn));
      ObjectNode min = JSON.createObjectNode();
      ObjectNode max = JSON.createObjectNode();
      ObjectNode nulls = JSON.createObjectNode();
      bounds.forEach((column, stats) -> {
        nulls.put(column, stats.getNumNulls());
        Object low = statisticValue(parquetSchema.getType(column).asPrimitiveType(),
            stats.genericGetMin());
        Object high = statisticValue(parquetSchema.getType(column).asPrimitiveType(),
            stats.genericGetMax());
        if (stats.hasNonNullValue() && low != null && high != null) {
          min.putPOJO(column, low);
          max.putPOJO(column, high);
        }
      });
      ObjectNode stats = JSON.createObjectNode().put("numRecords", footer.rows());
      stats.set("minValues", min);
      stats.set("maxValues", max);
      stats.set("nullCount", nulls);
      ObjectNode add = JSON.createObjectNode().put("path", relative(file));
      add.set("partitionValues", JSON.createObjectNode().put(configColumn, configId));
      return add.put("size", footer.status().getLen())
          .put("modificationTime", footer.status().getModificationTime())
          .put("dataChange", true).put("stats", JSON.writeValueAsString(stats));
    }

    /** A number, a short string, or null where Delta keeps no bound (bytes, a long string). */
    private static Object statisticValue(PrimitiveType field, Object value) {
      if (value instanceof Binary binary) {
        boolean text = field.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation;
        String string = text ? binary.toStringUsingUTF8() : null;
        return string != null && string.length() <= MAX_STRING_BOUND ? string : null;
      }
      return value;
    }

    private ObjectNode removeAction(JsonNode add, long now) {
      ObjectNode remove = JSON.createObjectNode().put("path", add.get("path").asText())
          .put("deletionTimestamp", now).put("dataChange", true)
          .put("extendedFileMetadata", true);
      remove.set("partitionValues", add.get("partitionValues"));
      remove.put("size", add.path("size").asLong());
      return JSON.createObjectNode().set("remove", remove);
    }

    /** The file's path from the table's root, as a URI path (the log's paths are URIs). */
    private String relative(Path file) throws IOException {
      try {
        return new URI(null, null, directory.getName() + "/" + file.getName(), null)
            .getRawPath();
      } catch (URISyntaxException e) {
        throw new IOException("file name " + file + " cannot be a Delta path", e);
      }
    }

    @Override
    public List<String> removeAbandoned(Predicate<String> runGone) throws IOException {
      return RunFiles.removeAbandoned(fs, directory, runGone,
          () -> LogState.read(fs, state.log, name()).runDirectories, name());
    }
  }
}
