package io.hypernet.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.FloatStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * W, a required LIST of required FLOAT, for the row group being buffered. A row's values are
 * copied in bulk as little-endian floats and its repetition levels are two RLE runs (one 0,
 * then n·D−1 ones) instead of n·D values pushed one by one through parquet-java's column
 * writers. Pages stay in buffers reused from row group to row group, and are compressed (if
 * W's codec compresses) only as they are written: no page is copied or allocated per row group.
 *
 * <p>Each page carries the min and max of its values as parquet-java's own writer computes
 * them (comparator {@link Float#compare}: −0.0 below 0.0; a NaN makes max NaN, which makes
 * parquet-java drop the chunk's column index and readers ignore the min/max), so W has correct
 * statistics and, where it has no NaN, a correct column index.
 */
final class FloatListColumnChunk {
  private final ColumnDescriptor column;
  private final int pageBufferBytes;
  private final int maxBufferBytes;
  /** The row group's pages, the open one last; kept and reused for the next row group. */
  private final List<PageBuffer> pages = new ArrayList<>();
  /** The levels of the page being written: both lengths, repetition and definition levels. */
  private final GrowableBuffer levels = new GrowableBuffer(1 << 12);
  private final GrowableBuffer definition = new GrowableBuffer(16);
  /** How this Parquet release is handed a page (Spark 3.5's and 4's differ). */
  private final PageBytes pageBytes = new PageBytes();
  private int openPage;
  private long chunkValueCount;

  /** One page's levels, values and statistics. */
  private static final class PageBuffer {
    final GrowableBuffer values;
    final GrowableBuffer repetition = new GrowableBuffer(1 << 12);
    int valueCount;
    int rows;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    boolean hasNaN;
    boolean hasNumber;

    PageBuffer(int bytes, int maxBytes) {
      values = new GrowableBuffer(bytes, maxBytes);
    }

    void reset() {
      values.reset();
      repetition.reset();
      valueCount = 0;
      rows = 0;
      min = Float.POSITIVE_INFINITY;
      max = Float.NEGATIVE_INFINITY;
      hasNaN = false;
      hasNumber = false;
    }
  }

  FloatListColumnChunk(ColumnDescriptor column, int pageBytes, int maxBufferBytes) {
    this.column = column;
    this.pageBufferBytes = pageBytes + (1 << 16);
    this.maxBufferBytes = maxBufferBytes;
    pages.add(new PageBuffer(pageBufferBytes, maxBufferBytes));
  }

  private PageBuffer open() {
    return pages.get(openPage);
  }

  /** Whether {@code count} more values still fit in the open page's buffer. */
  boolean fits(long count) {
    return open().values.fits(count * Float.BYTES);
  }

  /** Bytes of the open page, before compression. */
  long pageBytes() {
    PageBuffer page = open();
    return page.values.size() + page.repetition.size();
  }

  void addRow(float[] source, int offset, int count) {
    PageBuffer page = open();
    long range = page.values.putFloatsMinMax(source, offset, count);
    page.repetition.putRleRun(1, 0);
    if (count > 1) {
      page.repetition.putRleRun(count - 1, 1);
    }
    page.valueCount += count;
    chunkValueCount += count;
    updateRange(page, range, source, offset, offset + count);
  }

  // Math.min/max order −0.0 below 0.0 as Float.compare does; a NaN turns the row's min to NaN
  // and sends that row alone to the exact loop.
  private static void updateRange(PageBuffer page, long range, float[] source, int from,
      int to) {
    float min = FloatRange.min(range);
    float max = FloatRange.max(range);
    if (Float.isNaN(min)) {
      page.hasNaN = true;
      min = Float.POSITIVE_INFINITY;
      max = Float.NEGATIVE_INFINITY;
      for (int i = from; i < to; i++) {
        if (!Float.isNaN(source[i])) {
          min = Math.min(min, source[i]);
          max = Math.max(max, source[i]);
          page.hasNumber = true;
        }
      }
    } else {
      page.hasNumber = true;
    }
    page.min = Math.min(page.min, min);
    page.max = Math.max(page.max, max);
  }

  /** Ends the open page (its last row ends here); the next row starts a new one. */
  void cutPage(int rows) {
    open().rows = rows;
    openPage++;
    if (openPage == pages.size()) {
      pages.add(new PageBuffer(pageBufferBytes, maxBufferBytes));
    }
  }

  /** What {@code FloatStatistics.updateStats} gives for every value of the page. */
  private Statistics<?> statistics(PageBuffer page) {
    FloatStatistics statistics =
        (FloatStatistics) Statistics.createStats(column.getPrimitiveType());
    if (page.hasNaN) {
      statistics.setMinMax(page.hasNumber ? page.min : Float.NaN, Float.NaN);
    } else {
      statistics.setMinMax(page.min, page.max);
    }
    return statistics;
  }

  /** Writes the cut pages as W's chunk of the current row group and clears them. */
  void write(ParquetFileWriter file, CompressionCodecName codec, BytesInputCompressor compressor)
      throws IOException {
    file.startColumn(column, chunkValueCount, codec);
    for (int p = 0; p < openPage; p++) {
      PageBuffer page = pages.get(p);
      definition.reset();
      definition.putRleRun(page.valueCount, 1);
      levels.reset();
      levels.putInt(page.repetition.size());
      levels.put(page.repetition);
      levels.putInt(definition.size());
      levels.put(definition);
      BytesInput bytes = pageBytes.of(levels, page.values);
      // The compressor reuses its output buffer: each page is written before the next is made.
      file.writeDataPage(page.valueCount, Math.toIntExact(bytes.size()),
          compressor.compress(bytes), statistics(page), page.rows, Encoding.RLE, Encoding.RLE,
          Encoding.PLAIN);
      page.reset();
    }
    file.endColumn();
    openPage = 0;
    chunkValueCount = 0;
  }
}
