package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What bin/hypernet's driver adds for a cluster: the application jar and a reachable address. */
class SparkSessionsTest {
  private static final String JAR = "/opt/hypernet/job/target/hypernet-job-spark.jar";

  @Test
  void localMastersKeepTheDriverOnTheLoopbackAndShipNothing() {
    SparkConf conf = deploy("local[2]", Map.of("SPARK_LOCAL_IP", "10.0.0.5"), JAR);
    assertEquals("127.0.0.1", conf.get("spark.driver.host"));
    assertEquals("127.0.0.1", conf.get("spark.driver.bindAddress"));
    assertFalse(conf.contains("spark.jars"));
  }

  @Test
  void aClusterGetsTheJarAndTheDriverAddressFromTheEnvironment() {
    SparkConf conf = deploy("spark://master:7077", Map.of("SPARK_LOCAL_IP", "10.0.0.5"), JAR);
    assertEquals("10.0.0.5", conf.get("spark.driver.host"));
    assertFalse(conf.contains("spark.driver.bindAddress"));
    assertEquals(JAR, conf.get("spark.jars"));
    assertEquals("10.0.0.6", deploy("yarn", Map.of("SPARK_LOCAL_IP", "10.0.0.5",
        "HYPERNET_DRIVER_HOST", "10.0.0.6"), JAR).get("spark.driver.host"));
    assertFalse(deploy("spark://master:7077", Map.of(), JAR).contains("spark.driver.host"),
        "Spark's default: the host name");
  }

  @Test
  void explicitSettingsWinAndOtherJarsStay() {
    SparkConf conf = new SparkConf(false).setMaster("spark://master:7077")
        .set("spark.driver.host", "driver.example.com").set("spark.jars", "/extra.jar");
    SparkSessions.applyDeployment(conf, Map.of("SPARK_LOCAL_IP", "10.0.0.5"), JAR);
    assertEquals("driver.example.com", conf.get("spark.driver.host"));
    assertEquals(JAR + ",/extra.jar", conf.get("spark.jars"));
    SparkSessions.applyDeployment(conf, Map.of(), JAR);
    assertEquals(JAR + ",/extra.jar", conf.get("spark.jars"), "not twice");
  }

  @Test
  void underSparkSubmitTheJarIsSparkSubmitsBusiness() {
    assertFalse(deploy("spark://master:7077", Map.of(), null).contains("spark.jars"));
    assertEquals(JAR, deploy("local-cluster[2,1,1024]", Map.of(), JAR).get("spark.jars"),
        "local-cluster executors are JVMs of their own");
  }

  private static SparkConf deploy(String master, Map<String, String> env, String jar) {
    SparkConf conf = new SparkConf(false).setMaster(master);
    SparkSessions.applyDeployment(conf, env, jar);
    return conf;
  }
}
