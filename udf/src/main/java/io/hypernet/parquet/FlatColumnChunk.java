package io.hypernet.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;

/**
 * One required, non-repeated column (id, config_id, n, D) of the row group being buffered: PLAIN
 * values cut into pages at the rows the writer chooses, each page with parquet-java's own
 * statistics of its values, from which {@link ParquetFileWriter} builds the chunk's statistics,
 * column index and offset index.
 */
final class FlatColumnChunk {
  private final ColumnDescriptor column;
  private final GrowableBuffer values;
  private final List<Page> pages = new ArrayList<>();
  private Statistics<?> pageStatistics;
  private int pageStart;

  /** A cut page: its values end at {@code end} in the buffer. */
  private record Page(int end, int rows, Statistics<?> statistics) {}

  FlatColumnChunk(ColumnDescriptor column, int maxBufferBytes) {
    this.column = column;
    this.values = new GrowableBuffer(1 << 14, maxBufferBytes);
    this.pageStatistics = Statistics.createStats(column.getPrimitiveType());
  }

  /** Whether {@code more} bytes still fit in this row group's buffer. */
  boolean fits(long more) {
    return values.fits(more);
  }

  void addInt(int value) {
    values.putInt(value);
    pageStatistics.updateStats(value);
  }

  void addLong(long value) {
    values.putLong(value);
    pageStatistics.updateStats(value);
  }

  /** A BINARY value: length-prefixed bytes. */
  void addBytes(byte[] value) {
    values.putInt(value.length);
    values.put(value, 0, value.length);
    // "Reused": the caller may refill its array, so the statistics copy what they keep.
    pageStatistics.updateStats(Binary.fromReusedByteArray(value));
  }

  void cutPage(int rows) {
    pages.add(new Page(values.size(), rows, pageStatistics));
    pageStatistics = Statistics.createStats(column.getPrimitiveType());
    pageStart = values.size();
  }

  /** Writes the cut pages as this column's chunk of the current row group and clears them. */
  void write(ParquetFileWriter file, long rows, CompressionCodecName codec,
      BytesInputCompressor compressor) throws IOException {
    if (values.size() != pageStart) {
      throw new IllegalStateException("column " + column + " has values past its last page");
    }
    file.startColumn(column, rows, codec);
    int start = 0;
    for (Page page : pages) {
      // The compressor reuses its output buffer: each page is written before the next is made.
      file.writeDataPage(page.rows(), page.end() - start,
          compressor.compress(values.bytes(start, page.end())), page.statistics(), page.rows(),
          Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
      start = page.end();
    }
    file.endColumn();
    pages.clear();
    values.reset();
    pageStart = 0;
  }
}
