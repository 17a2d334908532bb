package io.hypernet.testing;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** A real local SparkSession for tests, bound to the loopback address. */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start(String master) {
    return start(master, Map.of());
  }

  /** With extra Spark settings, e.g. a short executor heartbeat. */
  public static SparkSession start(String master, Map<String, String> settings) {
    SparkSession.Builder builder = SparkSession.builder()
        .master(master)
        .appName("hypernet-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.adaptive.enabled", "false");
    settings.forEach(builder::config);
    return builder.getOrCreate();
  }
}
