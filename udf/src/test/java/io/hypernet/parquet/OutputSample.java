package io.hypernet.parquet;

import io.hypernet.parquet.MatrixParquetWriter.IdType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Output rows for reader tests, written twice: by the bulk writer in many small row groups and
 * pages (so statistics and page indexes decide what is read), and by Spark's own writer, the
 * oracle. Ids are signed and negative, strings and binaries have bytes above 0x7F, so a
 * comparator of the wrong signedness would show; W holds ±0.0 and large values.
 */
final class OutputSample {
  static final int ROWS = 600;
  /** Row group and page sizes that give every file several of each. */
  static final long ROW_GROUP_BYTES = 6 << 10;
  static final MatrixParquetWriter.Limits SMALL_PAGES =
      new MatrixParquetWriter.Limits(1 << 10, GrowableBuffer.MAX_CAPACITY);

  /** The id types the job carries to the output, with their literals in Spark and DuckDB SQL. */
  enum IdKind {
    LONG(IdType.INT64, DataTypes.LongType),
    INT(IdType.INT32, DataTypes.IntegerType),
    SHORT(IdType.INT16, DataTypes.ShortType),
    BYTE(IdType.INT8, DataTypes.ByteType),
    STRING(IdType.STRING, DataTypes.StringType),
    BINARY(IdType.BINARY, DataTypes.BinaryType);

    final IdType idType;
    final DataType sparkType;

    IdKind(IdType idType, DataType sparkType) {
      this.idType = idType;
      this.sparkType = sparkType;
    }

    /** The id of row {@code i}: ascending numbers from below zero; text that is not. */
    Object id(int i) {
      return switch (this) {
        case LONG -> i * 7_000_000_000L - 2_000_000_000_000L;
        case INT -> i * 7 - 2000;
        case SHORT -> (short) (i * 7 - 2000);
        case BYTE -> (byte) (i / 3 - 128);
        case STRING -> (i % 4 == 0 ? "ü-" : "id-") + String.format("%05d", i);
        case BINARY -> new byte[] {(byte) (i * 37), (byte) i, 'x'};
      };
    }

    /** An id of the column's type that no row has. */
    Object absentId() {
      return switch (this) {
        case LONG -> 1L;
        case INT -> 1;
        case SHORT -> (short) 1;
        case BYTE -> (byte) 100;
        case STRING -> "zz-absent";
        case BINARY -> new byte[] {0};
      };
    }

    String sparkLiteral(Object id) {
      return switch (this) {
        case STRING -> "'" + id + "'";
        case BINARY -> "X'" + HexFormat.of().formatHex((byte[]) id) + "'";
        default -> id.toString();
      };
    }

    String duckdbLiteral(Object id) {
      if (this == BINARY) {
        StringBuilder blob = new StringBuilder("'");
        for (byte b : (byte[]) id) {
          blob.append(String.format("\\x%02X", b & 0xFF));
        }
        return blob.append("'::BLOB").toString();
      }
      return sparkLiteral(id);
    }
  }

  /** A configuration's shape; its name's length varies so config_id pages differ in size. */
  private record Shape(String configId, int n, int d) {}

  private static final List<Shape> SHAPES =
      List.of(new Shape("a", 2, 3), new Shape("bb", 4, 1), new Shape("c", 1, 5));

  private OutputSample() {}

  static StructType schema(IdKind kind) {
    return new StructType().add("id", kind.sparkType, false)
        .add("config_id", DataTypes.StringType, false)
        .add("n", DataTypes.IntegerType, false)
        .add("D", DataTypes.IntegerType, false)
        .add("W", DataTypes.createArrayType(DataTypes.FloatType, false), false);
  }

  static List<Row> rows(IdKind kind) {
    Random random = new Random(kind.ordinal());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Shape shape = SHAPES.get(i % SHAPES.size());
      Float[] w = new Float[shape.n() * shape.d()];
      for (int j = 0; j < w.length; j++) {
        w[j] = switch ((i + j) % 11) {
          case 0 -> 0.0f;
          case 1 -> -0.0f;
          case 2 -> (float) random.nextGaussian() * 1e30f;
          default -> (float) random.nextGaussian();
        };
      }
      rows.add(RowFactory.create(kind.id(i), shape.configId(), shape.n(), shape.d(), w));
    }
    return rows;
  }

  /** Writes the rows with the bulk writer as two files in {@code dir}, the first half first. */
  static void writeBulk(IdKind kind, List<Row> rows, String dir, long rowGroupBytes,
      MatrixParquetWriter.Limits limits) throws IOException {
    int half = rows.size() / 2;
    writeBulkFile(kind, rows.subList(0, half), new Path(dir, "part-00000.snappy.parquet"),
        rowGroupBytes, limits);
    writeBulkFile(kind, rows.subList(half, rows.size()),
        new Path(dir, "part-00001.snappy.parquet"), rowGroupBytes, limits);
  }

  static void writeBulkFile(IdKind kind, List<Row> rows, Path file, long rowGroupBytes,
      MatrixParquetWriter.Limits limits) throws IOException {
    Map<String, String> sparkSchema =
        Map.of("org.apache.spark.sql.parquet.row.metadata", schema(kind).json());
    try (MatrixParquetWriter writer = new MatrixParquetWriter(file, new Configuration(),
        kind.idType, "id", "config_id", OutputCodecs.DEFAULT, rowGroupBytes, limits,
        sparkSchema, null)) {
      for (Row row : rows) {
        switch (kind) {
          case LONG -> writer.writeInt64Id(row.getLong(0));
          case INT, SHORT, BYTE -> writer.writeInt32Id(((Number) row.get(0)).intValue());
          case STRING -> writer.writeBytesId(row.getString(0).getBytes(StandardCharsets.UTF_8));
          case BINARY -> writer.writeBytesId((byte[]) row.get(0));
        }
        Float[] w = (Float[]) row.get(4);
        float[] values = new float[w.length];
        for (int j = 0; j < values.length; j++) {
          values[j] = w[j];
        }
        writer.writeRow(row.getString(1).getBytes(StandardCharsets.UTF_8), row.getInt(2),
            row.getInt(3), values, 0);
      }
    }
  }

  /** The same rows through Spark's own Parquet writer. */
  static void writeOracle(SparkSession spark, IdKind kind, List<Row> rows, String dir) {
    spark.createDataFrame(rows, schema(kind)).coalesce(1).write().parquet(dir);
  }

  /**
   * A row as text for comparing readers: id (binary as hex), config_id, n, D and W's exact bits.
   */
  static String canonical(Object id, Object configId, Object n, Object d, Iterable<?> w) {
    StringBuilder text = new StringBuilder();
    text.append(id instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : id).append('|')
        .append(configId).append('|').append(n).append('|').append(d).append('|');
    for (Object value : w) {
      text.append(Integer.toHexString(Float.floatToRawIntBits((Float) value))).append(',');
    }
    return text.toString();
  }
}
