package io.hypernet.testing;

import org.apache.spark.sql.SparkSession;

/** A real local SparkSession for tests, bound to the loopback address (SPEC §8). */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("hypernet-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate();
  }
}
