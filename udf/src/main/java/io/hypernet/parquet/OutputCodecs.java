package io.hypernet.parquet;

import java.io.Serializable;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The output's codecs, which Parquet sets per column chunk: one for the key columns (id,
 * config_id, n, D), one for W. W's float32 values are products of random weights and hardly
 * compress (snappy saves nothing on them, zstd little: BENCHMARKS.md), so compressing them only
 * costs time.
 */
public record OutputCodecs(CompressionCodecName keys, CompressionCodecName w)
    implements Serializable {
  /** The default: keys snappy (what Spark and pyarrow write), W uncompressed. */
  public static final OutputCodecs DEFAULT =
      new OutputCodecs(CompressionCodecName.SNAPPY, CompressionCodecName.UNCOMPRESSED);

  /** One codec for every column, as Spark's own writer has. */
  public static OutputCodecs all(CompressionCodecName codec) {
    return new OutputCodecs(codec, codec);
  }
}
