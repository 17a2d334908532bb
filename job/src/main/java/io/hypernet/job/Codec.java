package io.hypernet.job;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The values of {@code --compression} and {@code --w-compression}: Parquet codecs by name. */
public enum Codec {
  SNAPPY(CompressionCodecName.SNAPPY),
  ZSTD(CompressionCodecName.ZSTD),
  GZIP(CompressionCodecName.GZIP),
  NONE(CompressionCodecName.UNCOMPRESSED);

  private final CompressionCodecName parquet;

  Codec(CompressionCodecName parquet) {
    this.parquet = parquet;
  }

  public CompressionCodecName parquet() {
    return parquet;
  }
}
