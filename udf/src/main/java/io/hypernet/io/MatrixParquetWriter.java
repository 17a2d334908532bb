package io.hypernet.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes the SPEC §5 output — {@code id, config_id, n, D, W} — as one standard Parquet file, W an
 * ordinary LIST of required FLOAT, but encoded in bulk: a row's W is copied as little-endian
 * floats, and its repetition levels are two RLE runs (one 0, then n·D−1 ones) instead of n·D
 * values pushed one by one through parquet-java's column writers, which is what makes Spark's
 * stock writer slow for this column (SPEC §8). All columns are required and PLAIN-encoded.
 *
 * <p>One row group is buffered at a time (about {@code rowGroupBytes}), so memory is bounded
 * whatever the number of rows. Not thread-safe: one writer per task.
 */
public final class MatrixParquetWriter implements AutoCloseable {
  /** The id column's physical type, following the input's id type. */
  public enum IdType { INT8, INT16, INT32, INT64, STRING, BINARY }

  /**
   * Data pages of W are cut at the first row boundary after this many value bytes; small enough
   * that page buffers are ordinary allocations, not G1 humongous ones (half a 1 MiB region).
   */
  private static final int PAGE_BYTES = 256 << 10;

  private final ParquetFileWriter file;
  private final BytesInputCompressor compressor;
  private final CodecFactory codecs;
  private final CompressionCodecName codec;
  private final IdType idType;
  private final Map<String, String> keyValueMetadata;
  private final long rowGroupBytes;
  private final ColumnDescriptor[] columns;

  private final GrowableBuffer ids = new GrowableBuffer(1 << 16);
  private final GrowableBuffer configIds = new GrowableBuffer(1 << 16);
  private final GrowableBuffer ns = new GrowableBuffer(1 << 14);
  private final GrowableBuffer ds = new GrowableBuffer(1 << 14);
  private final GrowableBuffer pageValues = new GrowableBuffer(PAGE_BYTES + (1 << 16));
  private final GrowableBuffer pageRepetition = new GrowableBuffer(1 << 12);
  private final GrowableBuffer pageDefinition = new GrowableBuffer(16);
  private final List<Page> wPages = new ArrayList<>();
  private int pageRows;
  private int pageValueCount;
  private int groupRows;
  private long groupValueCount;
  private long groupBytes;
  private long rowsWritten;

  /** A finished, compressed data page of W. */
  private record Page(BytesInput compressed, int uncompressedSize, int valueCount, int rows) {}

  /**
   * @param keyValueMetadata footer metadata, e.g. Spark's row schema so Spark reads the exact
   *     column types back
   */
  public MatrixParquetWriter(Path path, Configuration hadoop, IdType idType, String idColumn,
      String configColumn, CompressionCodecName codec, long rowGroupBytes,
      Map<String, String> keyValueMetadata) throws IOException {
    MessageType schema = schema(idType, idColumn, configColumn);
    this.file = new ParquetFileWriter(new BufferedOutputFile(path, hadoop), schema,
        ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0);
    this.codecs = new CodecFactory(hadoop, PAGE_BYTES);
    this.compressor = codecs.getCompressor(codec);
    this.codec = codec;
    this.idType = idType;
    this.keyValueMetadata = keyValueMetadata;
    this.rowGroupBytes = rowGroupBytes;
    this.columns = schema.getColumns().toArray(new ColumnDescriptor[0]);
    file.start();
  }

  /** id: required, per the input type; W: required LIST of required FLOAT (Spark's layout). */
  public static MessageType schema(IdType idType, String idColumn, String configColumn) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    switch (idType) {
      case INT8 -> message.required(PrimitiveTypeName.INT32)
          .as(LogicalTypeAnnotation.intType(8, true)).named(idColumn);
      case INT16 -> message.required(PrimitiveTypeName.INT32)
          .as(LogicalTypeAnnotation.intType(16, true)).named(idColumn);
      case INT32 -> message.required(PrimitiveTypeName.INT32).named(idColumn);
      case INT64 -> message.required(PrimitiveTypeName.INT64).named(idColumn);
      case STRING -> message.required(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType()).named(idColumn);
      case BINARY -> message.required(PrimitiveTypeName.BINARY).named(idColumn);
    }
    return message
        .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
        .named(configColumn)
        .required(PrimitiveTypeName.INT32).named("n")
        .required(PrimitiveTypeName.INT32).named("D")
        .requiredList().requiredElement(PrimitiveTypeName.FLOAT).named("W")
        .named("spark_schema");
  }

  public void writeInt64Id(long id) {
    ids.putLong(id);
  }

  /** An INT8, INT16 or INT32 id. */
  public void writeInt32Id(int id) {
    ids.putInt(id);
  }

  /** A string (UTF-8) or binary id. */
  public void writeBytesId(byte[] id) {
    ids.putInt(id.length);
    ids.put(id, 0, id.length);
  }

  /**
   * Completes the row whose id was just written: its configuration, shape and W, read from
   * {@code values[offset, offset + n·D)}.
   */
  public void writeRow(byte[] configIdUtf8, int n, int d, float[] values, int offset)
      throws IOException {
    int size = n * d;
    if (size <= 0) {
      throw new IllegalArgumentException("W must not be empty, n=" + n + " D=" + d);
    }
    configIds.putInt(configIdUtf8.length);
    configIds.put(configIdUtf8, 0, configIdUtf8.length);
    ns.putInt(n);
    ds.putInt(d);
    pageValues.putFloats(values, offset, size);
    pageRepetition.putRleRun(1, 0);
    if (size > 1) {
      pageRepetition.putRleRun(size - 1, 1);
    }
    pageRows++;
    pageValueCount += size;
    groupRows++;
    groupValueCount += size;
    groupBytes += 4L * size + 16;
    rowsWritten++;
    if (pageValues.size() >= PAGE_BYTES) {
      finishPage();
    }
    if (groupBytes >= rowGroupBytes) {
      flushRowGroup();
    }
  }

  public long rowsWritten() {
    return rowsWritten;
  }

  private void finishPage() throws IOException {
    if (pageRows == 0) {
      return;
    }
    pageDefinition.reset();
    pageDefinition.putRleRun(pageValueCount, 1);
    BytesInput page = BytesInput.concat(
        BytesInput.fromInt(pageRepetition.size()), pageRepetition.bytes(),
        BytesInput.fromInt(pageDefinition.size()), pageDefinition.bytes(),
        pageValues.bytes());
    int uncompressed = Math.toIntExact(page.size());
    // Copy: the buffers are reused for the next page while this one waits for its row group.
    wPages.add(new Page(BytesInput.copy(compressor.compress(page)), uncompressed,
        pageValueCount, pageRows));
    pageValues.reset();
    pageRepetition.reset();
    pageRows = 0;
    pageValueCount = 0;
  }

  private void flushRowGroup() throws IOException {
    finishPage();
    if (groupRows == 0) {
      return;
    }
    file.startBlock(groupRows);
    writeFlatColumn(columns[0], ids);
    writeFlatColumn(columns[1], configIds);
    writeFlatColumn(columns[2], ns);
    writeFlatColumn(columns[3], ds);
    file.startColumn(columns[4], groupValueCount, codec);
    for (Page page : wPages) {
      file.writeDataPage(page.valueCount(), page.uncompressedSize(), page.compressed(),
          emptyStatistics(columns[4]), page.rows(), Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
    }
    file.endColumn();
    file.endBlock();
    wPages.clear();
    groupRows = 0;
    groupValueCount = 0;
    groupBytes = 0;
  }

  /** A required, non-repeated column: no levels, PLAIN values, one page per row group. */
  private void writeFlatColumn(ColumnDescriptor column, GrowableBuffer values) throws IOException {
    BytesInput page = values.bytes();
    int uncompressed = Math.toIntExact(page.size());
    file.startColumn(column, groupRows, codec);
    file.writeDataPage(groupRows, uncompressed, compressor.compress(page),
        emptyStatistics(column), groupRows, Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
    file.endColumn();
    values.reset();
  }

  private static Statistics<?> emptyStatistics(ColumnDescriptor column) {
    return Statistics.createStats(column.getPrimitiveType());
  }

  @Override
  public void close() throws IOException {
    try {
      flushRowGroup();
      file.end(keyValueMetadata);
    } finally {
      codecs.release();
    }
  }
}
