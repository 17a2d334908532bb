package io.hypernet.parquet;

import io.hypernet.config.SizeLimits;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes the output rows (REFERENCE.md, "Output layout") — {@code id, config_id, n, D, W} — as
 * one standard Parquet file, W an ordinary LIST of required FLOAT, but encoded in bulk
 * ({@link FloatListColumnChunk}) instead of value by value, which is what makes Spark's stock
 * writer slow for this column. All columns are required and PLAIN-encoded; the key columns and W
 * each have their codec ({@link OutputCodecs}), which Parquet records per column chunk.
 *
 * <p>Every column is cut into pages at the same rows, and every page carries the statistics of
 * its values, so the file has correct chunk statistics, column indexes and offset indexes, and
 * a selective filter on id, config_id, n or D skips row groups and pages in every reader.
 *
 * <p>One row group is buffered at a time, cut at about {@code rowGroupBytes} of all its columns,
 * so memory is bounded whatever the number of rows. Not thread-safe: one writer per task.
 */
public final class MatrixParquetWriter implements AutoCloseable {
  /** The id column's physical type, following the input's id type. */
  public enum IdType { INT8, INT16, INT32, INT64, STRING, BINARY }

  /**
   * Where pages are cut and how large a buffer may grow.
   *
   * @param pageBytes pages are cut at the first row boundary after this many bytes of all
   *     columns; small enough that page buffers are ordinary allocations, not G1 humongous ones
   * @param maxBufferBytes a row group or page is cut before any of its buffers would pass this
   */
  record Limits(int pageBytes, int maxBufferBytes) {
    static final Limits DEFAULT = new Limits(256 << 10, GrowableBuffer.MAX_CAPACITY);
  }

  private final ParquetFileWriter file;
  private final CodecFactory codecFactory;
  private final OutputCodecs codecs;
  private final BytesInputCompressor keyCompressor;
  private final BytesInputCompressor wCompressor;
  private final IdType idType;
  private final Map<String, String> keyValueMetadata;
  private final long rowGroupBytes;
  private final Limits limits;

  private final FlatColumnChunk ids;
  private final FlatColumnChunk configIds;
  private final FlatColumnChunk ns;
  private final FlatColumnChunk ds;
  private final FloatListColumnChunk w;

  private long pendingId;
  private byte[] pendingBytesId;
  private boolean idPending;
  private int pageRows;
  private long pageBytes;
  private int groupRows;
  private long groupBytes;
  private long rowsWritten;

  /**
   * @param codecs the key columns' codec and W's
   * @param rowGroupBytes row groups are cut at the first row after this many bytes of all their
   *     columns, before compression
   * @param keyValueMetadata footer metadata, e.g. Spark's row schema so Spark reads the exact
   *     column types back
   */
  public MatrixParquetWriter(Path path, Configuration hadoop, IdType idType, String idColumn,
      String configColumn, OutputCodecs codecs, long rowGroupBytes,
      Map<String, String> keyValueMetadata) throws IOException {
    this(path, hadoop, idType, idColumn, configColumn, codecs, rowGroupBytes, Limits.DEFAULT,
        keyValueMetadata, null);
  }

  /** With the columns' field ids in the schema, for a table that maps columns by id. */
  public MatrixParquetWriter(Path path, Configuration hadoop, IdType idType, String idColumn,
      String configColumn, OutputCodecs codecs, long rowGroupBytes,
      Map<String, String> keyValueMetadata, FieldIds fieldIds) throws IOException {
    this(path, hadoop, idType, idColumn, configColumn, codecs, rowGroupBytes, Limits.DEFAULT,
        keyValueMetadata, fieldIds);
  }

  /** With page and buffer limits of its own: tests make many small pages with them. */
  MatrixParquetWriter(Path path, Configuration hadoop, IdType idType, String idColumn,
      String configColumn, OutputCodecs codecs, long rowGroupBytes, Limits limits,
      Map<String, String> keyValueMetadata, FieldIds fieldIds) throws IOException {
    MessageType schema = fieldIds == null ? schema(idType, idColumn, configColumn)
        : withIds(schema(idType, idColumn, configColumn), fieldIds);
    // Page checksums as parquet-java's writers do them, and as its key turns them off.
    this.file = new ParquetFileWriter(new BufferedOutputFile(path, hadoop), schema,
        ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0,
        ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH,
        ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH,
        ParquetOutputFormat.getPageWriteChecksumEnabled(hadoop));
    this.codecFactory = new CodecFactory(codecConfiguration(hadoop), limits.pageBytes());
    this.codecs = codecs;
    // The factory hands out one compressor per codec; pages are compressed and written one at
    // a time, so W and the keys may share one.
    this.keyCompressor = codecFactory.getCompressor(codecs.keys());
    this.wCompressor = codecFactory.getCompressor(codecs.w());
    this.idType = idType;
    this.keyValueMetadata = keyValueMetadata;
    this.rowGroupBytes = rowGroupBytes;
    this.limits = limits;
    ColumnDescriptor[] columns = schema.getColumns().toArray(new ColumnDescriptor[0]);
    this.ids = new FlatColumnChunk(columns[0], limits.maxBufferBytes());
    this.configIds = new FlatColumnChunk(columns[1], limits.maxBufferBytes());
    this.ns = new FlatColumnChunk(columns[2], limits.maxBufferBytes());
    this.ds = new FlatColumnChunk(columns[3], limits.maxBufferBytes());
    this.w = new FloatListColumnChunk(columns[4], limits.pageBytes(), limits.maxBufferBytes());
    file.start();
  }

  /**
   * parquet-java's compressors open a stream per page with a buffer of {@code
   * io.file.buffer.size} bytes (64 KiB under Spark): for key pages of a few hundred bytes that
   * allocation was most of the keys' compression cost (6 % of task time in a profile). The
   * buffer only chunks the compressor's output, so a small one leaves the bytes as they were.
   */
  private static Configuration codecConfiguration(Configuration hadoop) {
    Configuration codecs = new Configuration(hadoop);
    codecs.setInt("io.file.buffer.size", 4 << 10);
    return codecs;
  }

  /** The same schema with the field ids of each column and of W's list element. */
  static MessageType withIds(MessageType schema, FieldIds ids) {
    GroupType w = schema.getType(4).asGroupType();
    GroupType repeated = w.getType(0).asGroupType();
    Type element = repeated.getType(0).withId(ids.wElement());
    return new MessageType(schema.getName(), schema.getType(0).withId(ids.id()),
        schema.getType(1).withId(ids.configId()), schema.getType(2).withId(ids.n()),
        schema.getType(3).withId(ids.d()),
        w.withNewFields(repeated.withNewFields(element)).withId(ids.w()));
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
    pendingId = id;
    idPending = true;
  }

  /** An INT8, INT16 or INT32 id. */
  public void writeInt32Id(int id) {
    pendingId = id;
    idPending = true;
  }

  /** A string (UTF-8) or binary id. */
  public void writeBytesId(byte[] id) {
    pendingBytesId = id;
    idPending = true;
  }

  /**
   * Completes the row whose id was just written: its configuration, shape and W, read from
   * {@code values[offset, offset + n·D)}.
   */
  public void writeRow(byte[] configIdUtf8, int n, int d, float[] values, int offset)
      throws IOException {
    long size = (long) n * d;
    if (n <= 0 || d <= 0) {
      throw new IllegalArgumentException("W must not be empty, n=" + n + " D=" + d);
    }
    if (size > SizeLimits.MAX_ROW_FLOATS) {
      throw new IllegalArgumentException("a row of W has n·D = " + size + " floats, more than "
          + "the " + SizeLimits.MAX_ROW_FLOATS + " (1 GiB) the bulk writer holds in one page");
    }
    if (!idPending) {
      throw new IllegalStateException("write the row's id before the row");
    }
    long idBytes = idBytes();
    long configBytes = Integer.BYTES + (long) configIdUtf8.length;
    // The buffers are int-indexed: cut the row group or page before one would overflow.
    if (groupRows > 0
        && !(ids.fits(idBytes) && configIds.fits(configBytes) && ns.fits(Integer.BYTES))) {
      flushRowGroup();
    } else if (pageRows > 0 && !w.fits(size)) {
      cutPage();
    }
    addId();
    configIds.addBytes(configIdUtf8);
    ns.addInt(n);
    ds.addInt(d);
    long before = w.pageBytes();
    w.addRow(values, offset, (int) size);
    long rowBytes = idBytes + configBytes + 2L * Integer.BYTES + w.pageBytes() - before;
    pageRows++;
    pageBytes += rowBytes;
    groupRows++;
    groupBytes += rowBytes;
    rowsWritten++;
    if (pageBytes >= limits.pageBytes()) {
      cutPage();
    }
    if (groupBytes >= rowGroupBytes) {
      flushRowGroup();
    }
  }

  private long idBytes() {
    return switch (idType) {
      case INT64 -> Long.BYTES;
      case INT8, INT16, INT32 -> Integer.BYTES;
      case STRING, BINARY -> Integer.BYTES + (long) pendingBytesId.length;
    };
  }

  private void addId() {
    switch (idType) {
      case INT64 -> ids.addLong(pendingId);
      case INT8, INT16, INT32 -> ids.addInt((int) pendingId);
      case STRING, BINARY -> ids.addBytes(pendingBytesId);
    }
    pendingBytesId = null;
    idPending = false;
  }

  public long rowsWritten() {
    return rowsWritten;
  }

  /** Ends the open page of every column at the current row. */
  private void cutPage() throws IOException {
    if (pageRows == 0) {
      return;
    }
    ids.cutPage(pageRows);
    configIds.cutPage(pageRows);
    ns.cutPage(pageRows);
    ds.cutPage(pageRows);
    w.cutPage(pageRows);
    pageRows = 0;
    pageBytes = 0;
  }

  private void flushRowGroup() throws IOException {
    cutPage();
    if (groupRows == 0) {
      return;
    }
    file.startBlock(groupRows);
    ids.write(file, groupRows, codecs.keys(), keyCompressor);
    configIds.write(file, groupRows, codecs.keys(), keyCompressor);
    ns.write(file, groupRows, codecs.keys(), keyCompressor);
    ds.write(file, groupRows, codecs.keys(), keyCompressor);
    w.write(file, codecs.w(), wCompressor);
    file.endBlock();
    groupRows = 0;
    groupBytes = 0;
  }

  @Override
  public void close() throws IOException {
    try {
      flushRowGroup();
      file.end(keyValueMetadata);
    } finally {
      codecFactory.release();
    }
  }
}
