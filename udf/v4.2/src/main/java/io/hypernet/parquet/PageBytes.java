package io.hypernet.parquet;

import org.apache.parquet.bytes.BytesInput;

/**
 * W's pages for Parquet 1.14 and later (Spark 4). These releases take a page's CRC32 through
 * {@code toByteBuffer} into a reused buffer, so the two parts need no array of their own (and
 * {@link BytesInput} can no longer be subclassed outside its package).
 */
final class PageBytes {
  /** The page of {@code levels} then {@code values}, valid until the next write to either. */
  BytesInput of(GrowableBuffer levels, GrowableBuffer values) {
    return BytesInput.concat(levels.bytes(), values.bytes());
  }
}
