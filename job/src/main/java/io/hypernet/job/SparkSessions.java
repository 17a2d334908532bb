package io.hypernet.job;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The job's SparkSession: spark-submit's master when there is one, else --master or local[*];
 * {@code --conf} settings over the {@code -D} ones (conf/spark-defaults.conf under bin/hypernet).
 */
public final class SparkSessions {
  /** Set by bin/hypernet: the shaded jar that executors of a cluster must load our classes from. */
  static final String APPLICATION_JAR = "hypernet.application.jar";
  private static final String LOOPBACK = "127.0.0.1";

  private SparkSessions() {}

  public static SparkSession start(String appName, String master,
      Map<String, String> settings) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties (spark-submit, bin/)
    settings.forEach(conf::set);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    applyDeployment(conf, System.getenv(), System.getProperty(APPLICATION_JAR));
    return SparkSession.builder().appName(appName).config(conf).getOrCreate();
  }

  static SparkSession start(String appName, String master) {
    return start(appName, master, Map.of());
  }

  /**
   * What a driver started by bin/hypernet needs on a cluster that spark-submit would otherwise
   * provide: the application jar in spark.jars (else executors cannot deserialise our closures),
   * and an address that executors can reach. Local masters keep the driver on the loopback.
   */
  static void applyDeployment(SparkConf conf, Map<String, String> env, String applicationJar) {
    String master = conf.get("spark.master");
    if (master.startsWith("local")) {
      conf.setIfMissing("spark.driver.host", LOOPBACK);
      conf.setIfMissing("spark.driver.bindAddress", LOOPBACK);
    } else {
      String host = env.getOrDefault("HYPERNET_DRIVER_HOST", env.get("SPARK_LOCAL_IP"));
      if (host != null && !host.isBlank()) {
        conf.setIfMissing("spark.driver.host", host);
      }
    }
    boolean embedded = master.equals("local") || master.startsWith("local[");
    if (!embedded && applicationJar != null) {
      String jars = conf.get("spark.jars", "");
      if (!(',' + jars + ',').contains(',' + applicationJar + ',')) {
        conf.set("spark.jars", jars.isEmpty() ? applicationJar : applicationJar + "," + jars);
      }
    }
  }
}
