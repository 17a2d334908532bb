package io.hypernet.spark;

import io.hypernet.spark.internal.ExecutorReconcilers;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.InvalidConfig;
import io.hypernet.engine.ReconciliationEngine;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/**
 * SQL functions over the same hypernets and per-executor cache as the batch path, for
 * {@code spark.sql} and notebooks' {@code %sql}:
 * {@code hypernet_reconcile(config_id, w)} is W as array&lt;float&gt; (null for a row that cannot
 * be reconciled), {@code hypernet_reject_reason(config_id, w)} is why not (null for a good row),
 * with the codes of the rejects dataset. One engine call per row: the batched forms
 * ({@link Hypernets}, the ML Transformer) are several times faster for bulk work
 * (BENCHMARKS.md, "The SQL function against the batched path").
 */
public final class HypernetSql {
  public static final String RECONCILE = "hypernet_reconcile";
  public static final String REJECT_REASON = "hypernet_reject_reason";

  private HypernetSql() {}

  /**
   * Registers both functions in this session, replacing earlier registrations; their broadcast
   * hypernet recipes live as long as the functions stay registered.
   */
  public static void register(SparkSession spark, HypernetConfigs configs,
      ReconcileOptions options) {
    HypernetCatalog catalog = HypernetCatalog.of(spark, configs, options);
    RowReconciler rows = new RowReconciler(catalog, options);
    spark.udf().register(RECONCILE, (UDF2<String, Seq<Object>, float[]>) rows::reconcile,
        DataTypes.createArrayType(DataTypes.FloatType, false));
    spark.udf().register(REJECT_REASON, (UDF2<String, Seq<Object>, String>) rows::rejectReason,
        DataTypes.StringType);
  }

  /** {@link #register(SparkSession, HypernetConfigs, ReconcileOptions)} with the defaults. */
  public static void register(SparkSession spark, HypernetConfigs configs) {
    register(spark, configs, ReconcileOptions.defaults());
  }

  /** One row at a time: the checks of the batch path's classifier, then one engine call. */
  static final class RowReconciler implements Serializable {
    private static final long serialVersionUID = 1L;
    private final HypernetCatalog catalog;
    private final ReconcileOptions options;
    /** By config_id: small (one entry per configuration), and needed where tasks run. */
    private final Map<String, HypernetConfig> valid;
    private final Map<String, String> invalid = new HashMap<>();
    /** This executor's cache and engine, looked up once per deserialized copy, not per row. */
    private transient ExecutorReconcilers cache;
    private transient ReconciliationEngine engine;

    RowReconciler(HypernetCatalog catalog, ReconcileOptions options) {
      this.catalog = catalog;
      this.options = options;
      this.valid = new HashMap<>(catalog.validConfigs());
      for (InvalidConfig bad : catalog.invalidConfigs()) {
        invalid.put(bad.configId(), bad.reason());
      }
    }

    float[] reconcile(String configId, Seq<Object> w) {
      if (rejectReason(configId, w) != null) {
        return null;
      }
      HypernetConfig config = valid.get(configId);
      float[] in = floats(w);
      float[] out = new float[config.outputSize()];
      if (cache == null) {
        cache = ExecutorReconcilers.get();
        engine = cache.engine(options.engine(), -1);
      }
      HypernetRecipe recipe = catalog.recipe(configId);
      try (ExecutorReconcilers.Lease lease =
          cache.lease(engine, config, () -> catalog.weights(recipe))) {
        lease.reconciler().reconcile(in, 1, out);
      }
      return out;
    }

    /**
     * The rejects' reason code, in {@link RejectReason}'s order like the batch classifier
     * ({@code HypernetSqlTest} holds the front ends to it): a non-finite element wins over a
     * null one.
     */
    String rejectReason(String configId, Seq<Object> w) {
      if (configId == null) {
        return RejectReason.NULL_CONFIG_ID.code();
      }
      HypernetConfig config = valid.get(configId);
      if (config == null && !invalid.containsKey(configId)) {
        return RejectReason.UNKNOWN_CONFIG_ID.code();
      }
      if (config == null) {
        return RejectReason.INVALID_CONFIG.code();
      }
      if (w == null) {
        return RejectReason.NULL_W.code();
      }
      if (w.length() != config.l()) {
        return RejectReason.WRONG_W_LENGTH.code();
      }
      boolean nullElement = false;
      for (int j = 0; j < w.length(); j++) {
        Object x = w.apply(j);
        if (x == null) {
          nullElement = true;
        } else if (!Float.isFinite(((Number) x).floatValue())) {
          return RejectReason.NON_FINITE_W.code();
        }
      }
      return nullElement ? RejectReason.NULL_W_ELEMENT.code() : null;
    }

    private static float[] floats(Seq<Object> w) {
      float[] out = new float[w.length()];
      for (int j = 0; j < out.length; j++) {
        out[j] = ((Number) w.apply(j)).floatValue();
      }
      return out;
    }
  }
}
