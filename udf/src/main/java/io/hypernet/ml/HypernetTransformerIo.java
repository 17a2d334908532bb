package io.hypernet.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypernet.spark.HypernetConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SaveMode;

/**
 * ML persistence of {@link HypernetTransformer}: {@code metadata/part-00000} in the layout of
 * Spark's own DefaultParamsWriter (so that a saved {@code PipelineModel} finds the stage's class
 * and reader), and {@code configs/} as a Parquet configurations table.
 */
final class HypernetTransformerIo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HypernetTransformerIo() {}

  static final class Writer extends MLWriter {
    private final HypernetTransformer stage;

    Writer(HypernetTransformer stage) {
      this.stage = stage;
    }

    @Override
    public void saveImpl(String path) {
      ObjectNode metadata = JSON.createObjectNode()
          .put("class", HypernetTransformer.class.getName())
          .put("timestamp", System.currentTimeMillis())
          .put("sparkVersion", sparkSession().version())
          .put("uid", stage.uid());
      ObjectNode params = metadata.putObject("paramMap");
      ObjectNode defaults = metadata.putObject("defaultParamMap");
      for (Param<?> param : stage.persistedParams()) {
        encode(stage, param, params, defaults);
      }
      Path file = new Path(path, "metadata/part-00000");
      try {
        FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
        try (OutputStream out = fs.create(file, true)) {
          out.write((JSON.writeValueAsString(metadata) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the transformer's metadata to " + file, e);
      }
      if (stage.getConfigs() != null) {
        stage.getConfigs().toDF(sparkSession()).coalesce(1).write().mode(SaveMode.Overwrite)
            .parquet(new Path(path, "configs").toString());
      }
    }

    @SuppressWarnings("unchecked")
    private static <T> void encode(HypernetTransformer stage, Param<T> param, ObjectNode params,
        ObjectNode defaults) {
      try {
        if (stage.isSet(param)) {
          params.set(param.name(), JSON.readTree(param.jsonEncode(stage.$(param))));
        } else if (stage.hasDefault(param)) {
          defaults.set(param.name(),
              JSON.readTree(param.jsonEncode((T) stage.getDefault(param).get())));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static final class Reader extends MLReader<HypernetTransformer> {
    @Override
    public HypernetTransformer load(String path) {
      Path file = new Path(path, "metadata/part-00000");
      JsonNode metadata;
      try {
        FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
        try (InputStream in = fs.open(file)) {
          metadata = JSON.readTree(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a saved HypernetTransformer at " + path, e);
      }
      String saved = metadata.path("class").asText();
      if (!saved.equals(HypernetTransformer.class.getName())) {
        throw new IllegalArgumentException(path + " holds a saved " + saved
            + ", not a HypernetTransformer");
      }
      HypernetTransformer stage = new HypernetTransformer(metadata.path("uid").asText());
      for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("paramMap").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        decode(stage, stage.getParam(entry.getKey()), entry.getValue());
      }
      Path configs = new Path(path, "configs");
      try {
        if (configs.getFileSystem(sparkSession().sparkContext().hadoopConfiguration())
            .exists(configs)) {
          stage.setConfigs(HypernetConfigs.read(sparkSession(), configs.toString()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the saved configurations at " + configs, e);
      }
      return stage;
    }

    private static <T> void decode(HypernetTransformer stage, Param<T> param, JsonNode value) {
      stage.set(param, param.jsonDecode(value.toString()));
    }
  }
}
