package io.hypernet.spark;

import io.hypernet.config.ConfigValidator;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.InvalidConfig;
import io.hypernet.text.BoundedText;
import io.hypernet.weights.HypernetWeights;
import io.hypernet.weights.InvalidWeightsException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hypernets of one run: each valid configuration's weights built once on the driver and
 * shipped in one {@link Broadcast} (executors cache broadcasts per JVM), plus the invalid
 * configurations whose rows are rejected. Serializable: tasks capture it to find their hypernet.
 */
public final class HypernetCatalog implements Serializable, AutoCloseable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HypernetCatalog.class);

  private final Map<String, Broadcast<HypernetWeights>> broadcasts;
  private final Map<String, HypernetConfig> valid;
  private final List<InvalidConfig> invalid;

  private HypernetCatalog(Map<String, Broadcast<HypernetWeights>> broadcasts,
      Map<String, HypernetConfig> valid, List<InvalidConfig> invalid) {
    this.broadcasts = broadcasts;
    this.valid = valid;
    this.invalid = invalid;
  }

  /**
   * Builds (seed-derived) or reads (imported) and broadcasts the weights of every valid
   * configuration; a weights file of the wrong shape makes its configuration invalid.
   *
   * @throws UnreadableWeightsException when a configured weights file cannot be read
   */
  public static HypernetCatalog build(SparkSession spark, ConfigValidator.Result configs) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<String, Broadcast<HypernetWeights>> broadcasts = new LinkedHashMap<>();
    Map<String, HypernetConfig> valid = new LinkedHashMap<>();
    long bytes = 0;
    long start = System.nanoTime();
    List<InvalidConfig> invalid = new ArrayList<>(configs.invalid());
    for (HypernetConfig config : configs.valid()) {
      HypernetWeights weights;
      try {
        weights = config.isImported()
            ? ImportedWeights.read(config, spark.sparkContext().hadoopConfiguration())
            : HypernetWeights.seeded(config);
      } catch (InvalidWeightsException e) {
        invalid.add(new InvalidConfig(config.configId(), e.getMessage()));
        continue;
      } catch (RuntimeException e) {
        broadcasts.values().forEach(b -> b.destroy());
        throw e;
      }
      broadcasts.put(config.configId(), jsc.broadcast(weights));
      valid.put(config.configId(), weights.config());
      bytes += weights.sizeInBytes();
    }
    LOG.info("built and broadcast {} hypernet(s), {} MiB of weights, in {} ms; {} invalid "
        + "configuration(s)", valid.size(), bytes >> 20, (System.nanoTime() - start) / 1_000_000,
        invalid.size());
    for (InvalidConfig bad : invalid) {
      LOG.warn("invalid configuration '{}': {}", BoundedText.of(bad.configId()), bad.reason());
    }
    return new HypernetCatalog(broadcasts, valid, List.copyOf(invalid));
  }

  public Map<String, HypernetConfig> validConfigs() {
    return Collections.unmodifiableMap(valid);
  }

  public List<InvalidConfig> invalidConfigs() {
    return invalid;
  }

  Broadcast<HypernetWeights> broadcastOf(String configId) {
    Broadcast<HypernetWeights> b = broadcasts.get(configId);
    if (b == null) {
      // Rows are classified against this same catalog before they reach an engine.
      throw new IllegalStateException("no hypernet for configuration '" + configId + "'");
    }
    return b;
  }

  /**
   * A small frame (one row per config_id) to broadcast-join with the input rows, its columns
   * named so that they clash with none of the input's.
   */
  Dataset<Row> configsFrame(SparkSession spark, InternalColumns names) {
    StructType schema = new StructType()
        .add(names.configId(), DataTypes.StringType, false)
        .add(names.l(), DataTypes.IntegerType, true)
        .add(names.n(), DataTypes.IntegerType, true)
        .add(names.d(), DataTypes.IntegerType, true)
        .add(names.invalidReason(), DataTypes.StringType, true);
    List<Row> rows = new ArrayList<>();
    for (HypernetConfig c : valid.values()) {
      rows.add(RowFactory.create(c.configId(), c.l(), c.n(), c.d(), null));
    }
    for (InvalidConfig bad : invalid) {
      if (bad.configId() != null) {
        rows.add(RowFactory.create(bad.configId(), null, null, null, bad.reason()));
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  /** Drops the broadcast weights from executors and driver once the run no longer needs them. */
  @Override
  public void close() {
    broadcasts.values().forEach(b -> b.destroy());
  }
}
