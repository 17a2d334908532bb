package io.hypernet.parquet;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.bytes.BytesInput;

/**
 * W's pages for Parquet 1.13 (Spark 3.5). With page checksums on, parquet-java asks for a page
 * as one exact-size array ({@code toByteArray}, for CRC32 — which {@link BytesInput} makes by
 * allocating and filling a new array per page), then writes it: these pages fill one array
 * kept while pages keep their size, and write from it.
 */
final class PageBytes {
  private byte[] pageArray = new byte[0];

  /** The page of {@code levels} then {@code values}, valid until the next call. */
  BytesInput of(GrowableBuffer levels, GrowableBuffer values) {
    return new Page(levels, values);
  }

  private final class Page extends BytesInput {
    private final GrowableBuffer levels;
    private final GrowableBuffer values;
    private boolean assembled;

    Page(GrowableBuffer levels, GrowableBuffer values) {
      this.levels = levels;
      this.values = values;
    }

    @Override
    public long size() {
      return (long) levels.size() + values.size();
    }

    @Override
    public byte[] toByteArray() {
      int size = Math.toIntExact(size());
      if (pageArray.length != size) {
        pageArray = new byte[size];
      }
      levels.copyTo(pageArray, 0);
      values.copyTo(pageArray, levels.size());
      assembled = true;
      return pageArray;
    }

    @Override
    public void writeAllTo(OutputStream out) throws IOException {
      if (assembled) {
        out.write(pageArray);
      } else {
        levels.writeTo(out);
        values.writeTo(out);
      }
    }
  }
}
