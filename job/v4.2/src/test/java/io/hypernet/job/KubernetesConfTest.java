package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Kubernetes runs here: what can be checked of docs/clusters.md's Kubernetes section is that
 * its pod template is a well-formed Pod whose container and volumes the conf names, and that the
 * conf parses as spark-submit reads it, with the JVM options the page gives. Only on the 4.2
 * line, whose Spark brings SnakeYAML (the 3.5 line's does not).
 */
class KubernetesConfTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path CONF = ROOT.resolve("conf/kubernetes/hypernet-kubernetes.conf");

  @Test
  @SuppressWarnings("unchecked")
  void thePodTemplateIsAPodWithTheContainerAndVolumesTheConfNames() throws IOException {
    Properties conf = sparkConf();
    for (String role : List.of("driver", "executor")) {
      String template = conf.getProperty("spark.kubernetes." + role + ".podTemplateFile");
      Map<String, Object> pod;
      try (Reader in = Files.newBufferedReader(ROOT.resolve(template))) {
        pod = new Yaml().load(in);
      }
      assertEquals("v1", pod.get("apiVersion"));
      assertEquals("Pod", pod.get("kind"));
      Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
      List<Map<String, Object>> containers = (List<Map<String, Object>>) spec.get("containers");
      assertEquals(conf.getProperty("spark.kubernetes." + role + ".podTemplateContainerName"),
          containers.get(0).get("name"), role);
      Set<Object> volumes = ((List<Map<String, Object>>) spec.get("volumes")).stream()
          .map(v -> v.get("name")).collect(Collectors.toSet());
      for (Map<String, Object> mount :
          (List<Map<String, Object>>) containers.get(0).get("volumeMounts")) {
        assertTrue(volumes.contains(mount.get("name")), "volume " + mount.get("name"));
      }
    }
  }

  @Test
  void theConfIsSparkPropertiesWithTheOptionsAndFilesTheDocsGive() throws IOException {
    Properties conf = sparkConf();
    assertTrue(conf.stringPropertyNames().stream().allMatch(k -> k.startsWith("spark.")),
        conf.toString());
    String docs = Files.readString(ROOT.resolve("docs/clusters.md"));
    for (String key : List.of("spark.driver.extraJavaOptions",
        "spark.executor.extraJavaOptions")) {
      assertTrue(docs.contains("\"" + key + "=" + conf.getProperty(key) + "\""),
          key + " as docs/clusters.md passes it");
    }
    String kubernetes = docs.substring(docs.indexOf("## Kubernetes"));
    assertTrue(kubernetes.contains("conf/kubernetes/pod-template.yaml"), kubernetes);
    assertTrue(kubernetes.contains("podTemplateContainerName=hypernet"), kubernetes);
  }

  /** Read as spark-submit reads a properties file (java.util.Properties). */
  private static Properties sparkConf() throws IOException {
    Properties conf = new Properties();
    try (Reader in = Files.newBufferedReader(CONF)) {
      conf.load(in);
    }
    conf.replaceAll((k, v) -> v.toString().trim());
    return conf;
  }
}
