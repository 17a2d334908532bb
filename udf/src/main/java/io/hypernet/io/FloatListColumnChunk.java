package io.hypernet.io;

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
 * writers. Pages are compressed when cut and held until the row group is written.
 *
 * <p>Each page carries the min and max of its values as parquet-java's own writer computes
 * them (comparator {@link Float#compare}: −0.0 below 0.0; a NaN makes max NaN, which makes
 * parquet-java drop the chunk's column index and readers ignore the min/max), so W has correct
 * statistics and, where it has no NaN, a correct column index.
 */
final class FloatListColumnChunk {
  private final ColumnDescriptor column;
  private final GrowableBuffer values;
  private final GrowableBuffer repetition = new GrowableBuffer(1 << 12);
  private final GrowableBuffer definition = new GrowableBuffer(16);
  private final List<Page> pages = new ArrayList<>();
  private int pageValueCount;
  private long chunkValueCount;
  private float pageMin = Float.POSITIVE_INFINITY;
  private float pageMax = Float.NEGATIVE_INFINITY;
  private boolean pageHasNaN;
  private boolean pageHasNumber;

  /** A finished, compressed data page. */
  private record Page(BytesInput compressed, int uncompressedSize, int valueCount, int rows,
      Statistics<?> statistics) {}

  FloatListColumnChunk(ColumnDescriptor column, int pageBytes, int maxBufferBytes) {
    this.column = column;
    this.values = new GrowableBuffer(pageBytes + (1 << 16), maxBufferBytes);
  }

  /** Whether {@code count} more values still fit in the open page's buffer. */
  boolean fits(long count) {
    return values.fits(count * Float.BYTES);
  }

  /** Bytes of the open page, before compression. */
  long pageBytes() {
    return values.size() + repetition.size();
  }

  void addRow(float[] source, int offset, int count) {
    values.putFloats(source, offset, count);
    repetition.putRleRun(1, 0);
    if (count > 1) {
      repetition.putRleRun(count - 1, 1);
    }
    pageValueCount += count;
    chunkValueCount += count;
    updateRange(source, offset, offset + count);
  }

  // Math.min/max order −0.0 below 0.0 as Float.compare does; a NaN turns the row's min to NaN
  // and sends that row alone to the exact loop.
  private void updateRange(float[] source, int from, int to) {
    long range = FloatRange.minMax(source, from, to);
    float min = FloatRange.min(range);
    float max = FloatRange.max(range);
    if (Float.isNaN(min)) {
      pageHasNaN = true;
      min = Float.POSITIVE_INFINITY;
      max = Float.NEGATIVE_INFINITY;
      for (int i = from; i < to; i++) {
        if (!Float.isNaN(source[i])) {
          min = Math.min(min, source[i]);
          max = Math.max(max, source[i]);
          pageHasNumber = true;
        }
      }
    } else {
      pageHasNumber = true;
    }
    pageMin = Math.min(pageMin, min);
    pageMax = Math.max(pageMax, max);
  }

  /** Compresses the open page (its last row ends here) and keeps it for the row group. */
  void cutPage(int rows, BytesInputCompressor compressor) throws IOException {
    definition.reset();
    definition.putRleRun(pageValueCount, 1);
    BytesInput page = BytesInput.concat(
        BytesInput.fromInt(repetition.size()), repetition.bytes(),
        BytesInput.fromInt(definition.size()), definition.bytes(),
        values.bytes());
    int uncompressed = Math.toIntExact(page.size());
    // Copy: the buffers are reused for the next page while this one waits for its row group.
    pages.add(new Page(BytesInput.copy(compressor.compress(page)), uncompressed, pageValueCount,
        rows, pageStatistics()));
    values.reset();
    repetition.reset();
    pageValueCount = 0;
    pageMin = Float.POSITIVE_INFINITY;
    pageMax = Float.NEGATIVE_INFINITY;
    pageHasNaN = false;
    pageHasNumber = false;
  }

  /** What {@code FloatStatistics.updateStats} gives for every value of the page. */
  private Statistics<?> pageStatistics() {
    FloatStatistics statistics =
        (FloatStatistics) Statistics.createStats(column.getPrimitiveType());
    if (pageHasNaN) {
      statistics.setMinMax(pageHasNumber ? pageMin : Float.NaN, Float.NaN);
    } else {
      statistics.setMinMax(pageMin, pageMax);
    }
    return statistics;
  }

  /** Writes the cut pages as W's chunk of the current row group and clears them. */
  void write(ParquetFileWriter file, CompressionCodecName codec) throws IOException {
    file.startColumn(column, chunkValueCount, codec);
    for (Page page : pages) {
      file.writeDataPage(page.valueCount(), page.uncompressedSize(), page.compressed(),
          page.statistics(), page.rows(), Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
    }
    file.endColumn();
    pages.clear();
    chunkValueCount = 0;
  }
}
