package io.hypernet.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.parquet.MatrixParquetWriter.IdType;
import io.hypernet.parquet.MatrixParquetWriter.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the bulk writer lays a file out: row groups cut by the bytes of all columns, buffers cut
 * before their limit, W's statistics as parquet-java computes them, and page indexes that let
 * a reader skip what a selective predicate cannot match.
 */
class MatrixParquetWriterLayoutTest {
  @TempDir
  Path dir;

  private static final byte[] CONFIG = "c".getBytes(StandardCharsets.UTF_8);

  private MatrixParquetWriter writer(String name, IdType idType, long rowGroupBytes,
      Limits limits) throws IOException {
    return new MatrixParquetWriter(new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()),
        new Configuration(), idType, "id", "config_id",
        OutputCodecs.all(CompressionCodecName.UNCOMPRESSED), rowGroupBytes, limits, Map.of(),
        null);
  }

  private ParquetFileReader open(String name, FilterCompat.Filter filter) throws IOException {
    return ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()), new Configuration()),
        HadoopReadOptions.builder(new Configuration()).withRecordFilter(filter).build());
  }

  private static byte[] longId(int i) {
    byte[] id = new byte[10_000];
    Arrays.fill(id, (byte) 'k');
    byte[] digits = String.format("%06d", i).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(digits, 0, id, id.length - digits.length, digits.length);
    return id;
  }

  @Test
  void rowGroupsAreCutByTheBytesOfAllColumnsNotJustW() throws IOException {
    long rowGroupBytes = 256 << 10;
    try (MatrixParquetWriter out = writer("long-ids.parquet", IdType.STRING, rowGroupBytes,
        Limits.DEFAULT)) {
      for (int i = 0; i < 300; i++) {
        out.writeBytesId(longId(i));
        out.writeRow(CONFIG, 2, 2, new float[] {i, 1, 2, 3}, 0);
      }
    }
    try (ParquetFileReader reader = open("long-ids.parquet", FilterCompat.NOOP)) {
      List<BlockMetaData> groups = reader.getFooter().getBlocks();
      // 300 rows of ~10 KB: W alone (16 bytes a row) would have made one row group.
      assertTrue(groups.size() >= 10, groups.size() + " row groups");
      for (BlockMetaData group : groups.subList(0, groups.size() - 1)) {
        long idBytes = group.getColumns().get(0).getTotalUncompressedSize();
        assertTrue(idBytes >= rowGroupBytes && idBytes < rowGroupBytes + 20_000,
            "id chunk of " + idBytes + " bytes for a row group of " + rowGroupBytes);
      }
      assertEquals(300, groups.stream().mapToLong(BlockMetaData::getRowCount).sum());
    }
  }

  @Test
  void rowGroupsAndPagesAreCutBeforeABufferWouldPassItsLimit() throws IOException {
    Limits small = new Limits(1 << 10, 64 << 10);
    try (MatrixParquetWriter out = writer("capped.parquet", IdType.BINARY, Long.MAX_VALUE,
        small)) {
      for (int i = 0; i < 40; i++) {
        out.writeBytesId(longId(i));
        out.writeRow(CONFIG, 100, 50, new float[5000], 0); // 20 KB of W: a page per row
      }
      out.writeBytesId(new byte[100_000]);
      IllegalStateException tooLong = assertThrows(IllegalStateException.class,
          () -> out.writeRow(CONFIG, 1, 1, new float[1], 0));
      assertTrue(tooLong.getMessage().contains("more than its limit of 65536 bytes"),
          tooLong.getMessage());
    }
    try (ParquetFileReader reader = open("capped.parquet", FilterCompat.NOOP)) {
      List<BlockMetaData> groups = reader.getFooter().getBlocks();
      assertEquals(40, groups.stream().mapToLong(BlockMetaData::getRowCount).sum());
      for (BlockMetaData group : groups) {
        assertTrue(group.getColumns().get(0).getTotalUncompressedSize() < (64 << 10) + 2_000);
      }
      assertEquals(7, groups.size(), "6 ids of 10 KB fit in 64 KiB");
    }
  }

  @Test
  void aRowOfWAboveOneGibIsRefusedBeforeAnythingIsBuffered() throws IOException {
    try (MatrixParquetWriter out = writer("huge.parquet", IdType.INT64, 1 << 20,
        Limits.DEFAULT)) {
      out.writeInt64Id(1);
      IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
          () -> out.writeRow(CONFIG, 1 << 15, (1 << 13) + 1, new float[1], 0));
      assertTrue(huge.getMessage().contains("268468224 floats"), huge.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> out.writeRow(CONFIG, 65536, 65536, new float[1], 0), "n·D past int range");
    }
  }

  @Test
  void wStatisticsFollowParquetJavasRulesForSignedZerosAndNaN() throws IOException {
    float[][] pages = {
        {1.5f, -0.0f, 0.0f, 3f},          // min −0.0, max 3
        {Float.NaN, 2f, -7f, 1f},         // NaN: parquet-java keeps min −7, max NaN
        {Float.NaN, Float.NaN, Float.NaN, Float.NaN}};
    try (MatrixParquetWriter out = writer("floats.parquet", IdType.INT64, Long.MAX_VALUE,
        new Limits(16, GrowableBuffer.MAX_CAPACITY))) {
      for (int i = 0; i < pages.length; i++) {
        out.writeInt64Id(i);
        out.writeRow(CONFIG, 2, 2, pages[i], 0);
      }
    }
    try (ParquetFileReader reader = open("floats.parquet", FilterCompat.NOOP)) {
      ColumnChunkMetaData w = reader.getFooter().getBlocks().get(0).getColumns().get(4);
      // A NaN min or max invalidates the chunk's column index, as in parquet-java's writer.
      assertNull(reader.readColumnIndex(w));
      assertEquals(3, reader.readOffsetIndex(w).getPageCount());
      Statistics<?> chunk = w.getStatistics();
      // Read back, parquet-java drops min/max that hold a NaN.
      assertTrue(chunk.isEmpty() || !chunk.hasNonNullValue(), chunk.toString());
    }
    try (MatrixParquetWriter out = writer("zeros.parquet", IdType.INT64, Long.MAX_VALUE,
        Limits.DEFAULT)) {
      out.writeInt64Id(0);
      out.writeRow(CONFIG, 2, 2, pages[0], 0);
    }
    try (ParquetFileReader reader = open("zeros.parquet", FilterCompat.NOOP)) {
      ColumnChunkMetaData w = reader.getFooter().getBlocks().get(0).getColumns().get(4);
      assertEquals(List.of(-0.0f), List.of(w.getStatistics().genericGetMin()));
      assertEquals(3f, w.getStatistics().genericGetMax());
      assertEquals(List.of(-0.0f, 3f), List.of(
          reader.readColumnIndex(w).getMinValues().get(0).order(
              java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0),
          reader.readColumnIndex(w).getMaxValues().get(0).order(
              java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0)));
    }
  }

  @Test
  void aSelectiveIdPredicateSkipsRowGroupsAndPages() throws IOException {
    int rows = 2000;
    try (MatrixParquetWriter out = writer("sorted.parquet", IdType.INT64, 64 << 10,
        new Limits(4 << 10, GrowableBuffer.MAX_CAPACITY))) {
      for (int i = 0; i < rows; i++) {
        out.writeInt64Id(i);
        out.writeRow(CONFIG, 4, 16, new float[64], 0);
      }
    }
    FilterCompat.Filter idIs1000 = FilterCompat.get(FilterApi.eq(FilterApi.longColumn("id"),
        1000L));
    try (ParquetFileReader reader = open("sorted.parquet", idIs1000)) {
      int allGroups = reader.getFooter().getBlocks().size();
      assertTrue(allGroups >= 5, allGroups + " row groups");
      // Row-group statistics leave one row group; its column index leaves one page of it.
      assertEquals(1, reader.getRowGroups().size());
      assertTrue(reader.getFilteredRecordCount() < reader.getRowGroups().get(0).getRowCount());
      long read = 0;
      for (PageReadStore group = reader.readNextFilteredRowGroup(); group != null;
          group = reader.readNextFilteredRowGroup()) {
        read += group.getRowCount();
      }
      assertTrue(read >= 1 && read <= 16, read + " rows read of " + rows);
    }
  }
}
