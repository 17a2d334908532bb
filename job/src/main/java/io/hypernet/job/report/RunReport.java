package io.hypernet.job.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hypernet.config.InvalidConfig;
import io.hypernet.spark.ReconcileMetrics;
import io.hypernet.text.BoundedText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The run report, written as {@code _report.json} into the output and summarised on the console.
 * Built with {@link #builder()}; its components are the JSON's fields.
 *
 * @param sparkVersion the Spark version the run used (the build's line: 3.5.x or 4.x)
 * @param scalaVersion the Scala version of that Spark (2.12.x or 2.13.x)
 * @param input the input paths and globs, as given
 * @param rowsIn input rows
 * @param rowsWritten rows in the output dataset
 * @param rowsRejected rows in the rejects dataset
 * @param rejectedByReason rejected rows per {@code reason} code
 * @param perConfig written and rejected rows per config_id (null config_id as "&lt;null&gt;")
 * @param duplicates (config_id, id) keys written more than once
 * @param enginesByStage per Spark stage, tasks per engine/device (retried attempts included)
 * @param gpuByStage per Spark stage, the GPU addresses its tasks were given, their wait for the
 *     GPU semaphore and how many shared a device at most; empty without GPU resources
 * @param writer the output writer and codecs, e.g. "bulk/snappy, W uncompressed" (keys, W)
 * @param durationsMs per phase, in run order, plus {@code total}
 */
@JsonIgnoreProperties(value = "accounting_holds", allowGetters = true)
public record RunReport(
    String status,
    String applicationId,
    String master,
    String sparkVersion,
    String scalaVersion,
    List<String> input,
    String configs,
    String output,
    String rejects,
    String engineRequested,
    List<String> engines,
    Map<String, Map<String, Long>> enginesByStage,
    Map<String, ReconcileMetrics.GpuStage> gpuByStage,
    int batchSize,
    String writer,
    long rowsIn,
    long rowsWritten,
    long rowsRejected,
    Map<String, Long> rejectedByReason,
    Map<String, ConfigCounts> perConfig,
    Duplicates duplicates,
    int configurations,
    List<InvalidConfig> invalidConfigs,
    Map<String, Long> durationsMs) {

  /**
   * Ids from the input are bounded ({@link BoundedText}): per_config keys sharing their first
   * 1024 characters are counted together, so the totals still add up.
   */
  public RunReport {
    Map<String, ConfigCounts> bounded = new LinkedHashMap<>();
    perConfig.forEach((id, counts) -> bounded.merge(BoundedText.of(id), counts,
        (a, b) -> new ConfigCounts(a.written() + b.written(), a.rejected() + b.rejected())));
    perConfig = bounded;
    invalidConfigs = invalidConfigs.stream()
        .map(c -> new InvalidConfig(BoundedText.of(c.configId()), c.reason())).toList();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects a report's parts by topic, in place of a 22-argument constructor. */
  public static final class Builder {
    private String status;
    private String applicationId;
    private String master;
    private String sparkVersion;
    private String scalaVersion;
    private List<String> input = List.of();
    private String configs;
    private String output;
    private String rejects;
    private String engineRequested;
    private List<String> engines = List.of();
    private Map<String, Map<String, Long>> enginesByStage = Map.of();
    private Map<String, ReconcileMetrics.GpuStage> gpuByStage = Map.of();
    private int batchSize;
    private String writer;
    private long rowsIn;
    private StagedCounts counts;
    private int configurations;
    private List<InvalidConfig> invalidConfigs = List.of();
    private Map<String, Long> durationsMs = Map.of();

    private Builder() {}

    public Builder status(String value) {
      this.status = value;
      return this;
    }

    /** The Spark application that ran, and the Spark and Scala versions it ran on. */
    public Builder application(String id, String sparkMaster, String spark, String scala) {
      this.applicationId = id;
      this.master = sparkMaster;
      this.sparkVersion = spark;
      this.scalaVersion = scala;
      return this;
    }

    /** Where the run read and wrote. */
    public Builder paths(List<String> inputs, String configsPath, String outputPath,
        String rejectsPath) {
      this.input = List.copyOf(inputs);
      this.configs = configsPath;
      this.output = outputPath;
      this.rejects = rejectsPath;
      return this;
    }

    /** The engine asked for, those used, per stage, and the GPUs' use per stage. */
    public Builder engines(String requested, List<String> used,
        Map<String, Map<String, Long>> byStage, Map<String, ReconcileMetrics.GpuStage> gpus) {
      this.engineRequested = requested;
      this.engines = used;
      this.enginesByStage = byStage;
      this.gpuByStage = gpus;
      return this;
    }

    /** Rows per engine call and the output writer's label. */
    public Builder writing(int rowsPerBatch, String writerLabel) {
      this.batchSize = rowsPerBatch;
      this.writer = writerLabel;
      return this;
    }

    /** Rows read, and what the staged files hold. */
    public Builder rows(long in, StagedCounts staged) {
      this.rowsIn = in;
      this.counts = staged;
      return this;
    }

    public Builder configurations(int count, List<InvalidConfig> invalid) {
      this.configurations = count;
      this.invalidConfigs = invalid;
      return this;
    }

    public Builder durationsMs(Map<String, Long> value) {
      this.durationsMs = value;
      return this;
    }

    public RunReport build() {
      Objects.requireNonNull(counts, "rows");
      return new RunReport(status, applicationId, master, sparkVersion, scalaVersion, input,
          configs, output, rejects, engineRequested, engines, enginesByStage, gpuByStage,
          batchSize, writer, rowsIn, counts.written(), counts.rejected(),
          counts.rejectedByReason(), counts.perConfig(), counts.duplicates(), configurations,
          invalidConfigs, durationsMs);
    }
  }

  /** Rows of one configuration. */
  public record ConfigCounts(long written, long rejected) {}

  /**
   * Ids that occur more than once within a configuration. All such rows are written (each W is
   * computed from its own w); they are reported here, and fail the run under --on-bad-row fail.
   *
   * @param keys distinct (config_id, id) pairs written more than once
   * @param rows rows carrying those keys
   * @param examples the first few keys, in (config_id, id) order
   */
  public record Duplicates(long keys, long rows, List<DuplicateKey> examples) {
    public static final Duplicates NONE = new Duplicates(0, 0, List.of());
  }

  /** One duplicated key; the id as a string whatever its column type. */
  public record DuplicateKey(String configId, String id, long rows) {
    public DuplicateKey {
      configId = BoundedText.of(configId);
      id = BoundedText.of(id);
    }
  }

  @JsonProperty("accounting_holds")
  public boolean accountingHolds() {
    return rowsIn == rowsWritten + rowsRejected
        && perConfig.values().stream().mapToLong(ConfigCounts::written).sum() == rowsWritten
        && perConfig.values().stream().mapToLong(ConfigCounts::rejected).sum() == rowsRejected;
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    return json(this);
  }

  public static RunReport fromJson(String json) {
    return parse(json, RunReport.class);
  }

  /** A report as JSON, snake_case field names. */
  static String json(Object report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("report cannot be serialized", e);
    }
  }

  static <T> T parse(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + " report: "
          + e.getMessage(), e);
    }
  }

  /** The console summary: one line of counts, one of where things are. */
  public String summary() {
    return summary(output);
  }

  /** With the report in {@code reportDirectory}: a table's run keeps it with its rejects. */
  public String summary(String reportDirectory) {
    String reasons = rejectedByReason.isEmpty() ? ""
        : rejectedByReason.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ", " (", ")"));
    String dupes = duplicates.keys() == 0 ? ""
        : ", " + duplicates.keys() + " duplicated id(s) in " + duplicates.rows() + " rows";
    return String.format(Locale.ROOT,
        "%s: %d rows in, %d written, %d rejected%s%s | %d configuration(s), %d invalid | "
            + "engine %s, writer %s | %.1f s%n  output:  %s%n  rejects: %s%n  report:  %s/_report.json",
        status, rowsIn, rowsWritten, rowsRejected, reasons, dupes, configurations,
        invalidConfigs.size(), String.join(",", engines), writer,
        durationsMs.getOrDefault("total", 0L) / 1000.0, output, rejects, reportDirectory);
  }
}
