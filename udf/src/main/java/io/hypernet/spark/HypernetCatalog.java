package io.hypernet.spark;

import io.hypernet.spark.internal.InternalColumns;
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
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hypernets of one run, as recipes: one {@link Broadcast} of a table holding each valid
 * configuration (a seed-derived hypernet is fully defined by it) or, for imported weights, its
 * validated file's identity. Executors make the weights on a cache miss
 * ({@link ExecutorReconcilers}), so the driver never holds the hypernets and a configuration no
 * row uses costs nothing. Also holds the invalid configurations, whose rows are rejected.
 * Serializable: tasks capture it to find their hypernet; the driver-side lists stay behind.
 */
final class HypernetCatalog implements Serializable, AutoCloseable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HypernetCatalog.class);

  private final Broadcast<RecipeTable> recipes;
  private final transient Map<String, HypernetConfig> valid;
  private final transient List<InvalidConfig> invalid;

  private HypernetCatalog(Broadcast<RecipeTable> recipes, Map<String, HypernetConfig> valid,
      List<InvalidConfig> invalid) {
    this.recipes = recipes;
    this.valid = valid;
    this.invalid = invalid;
  }

  /**
   * The catalog of {@code configs}, validated against the options' size limits.
   *
   * @throws InvalidConfigsException there are no configurations
   */
  static HypernetCatalog of(SparkSession spark, HypernetConfigs configs,
      ReconcileOptions options) {
    if (configs.size() == 0) {
      throw new InvalidConfigsException("configs " + configs.source()
          + " holds no configurations", null);
    }
    return build(spark, configs.validate(options.sizeLimits()));
  }
  /**
   * Broadcasts the recipe of every valid configuration; imported weights files are read and
   * validated first, one at a time, and a file of the wrong shape makes its configuration
   * invalid.
   *
   * @throws UnreadableWeightsException when a configured weights file cannot be read
   */
  static HypernetCatalog build(SparkSession spark, ConfigValidator.Result configs) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, HypernetRecipe> table = new LinkedHashMap<>();
    Map<String, HypernetConfig> valid = new LinkedHashMap<>();
    long start = System.nanoTime();
    List<InvalidConfig> invalid = new ArrayList<>(configs.invalid());
    int imported = 0;
    for (HypernetConfig config : configs.valid()) {
      HypernetRecipe recipe;
      try {
        recipe = config.isImported() ? ImportedWeights.validate(config, hadoop)
            : HypernetRecipe.seeded(config);
      } catch (InvalidWeightsException e) {
        invalid.add(new InvalidConfig(config.configId(), e.getMessage()));
        continue;
      }
      imported += config.isImported() ? 1 : 0;
      table.put(config.configId(), recipe);
      valid.put(config.configId(), recipe.config());
    }
    Broadcast<RecipeTable> recipes = jsc.broadcast(new RecipeTable(table,
        imported == 0 ? null : new SerializableConfiguration(hadoop)));
    LOG.info("broadcast the recipes of {} hypernet(s) ({} imported, validated) in {} ms; {} "
        + "invalid configuration(s)", valid.size(), imported,
        (System.nanoTime() - start) / 1_000_000, invalid.size());
    for (InvalidConfig bad : invalid) {
      LOG.warn("invalid configuration '{}': {}", BoundedText.of(bad.configId()), bad.reason());
    }
    return new HypernetCatalog(recipes, valid, List.copyOf(invalid));
  }

  /** Every configuration a task may meet, by config_id; one per executor JVM and run. */
  private record RecipeTable(Map<String, HypernetRecipe> recipes,
      SerializableConfiguration hadoop) implements Serializable {}

  /** The valid configurations by config_id (on the driver; tasks see only the recipes). */
  public Map<String, HypernetConfig> validConfigs() {
    return Collections.unmodifiableMap(valid);
  }

  public List<InvalidConfig> invalidConfigs() {
    return invalid;
  }

  /** The recipe of a valid configuration, where tasks run. */
  HypernetRecipe recipe(String configId) {
    HypernetRecipe recipe = recipes.value().recipes().get(configId);
    if (recipe == null) {
      // Rows are classified against this same catalog before they reach an engine.
      throw new IllegalStateException("no hypernet for configuration '"
          + BoundedText.of(configId) + "'");
    }
    return recipe;
  }

  /** Generates or reads a valid configuration's weights, where tasks run. */
  HypernetWeights weights(HypernetRecipe recipe) {
    RecipeTable table = recipes.value();
    return recipe.weights(table.hadoop() == null ? null : table.hadoop().value());
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

  /** Drops the broadcast recipes once the run no longer needs them (cached hypernets stay). */
  @Override
  public void close() {
    recipes.destroy();
  }
}
