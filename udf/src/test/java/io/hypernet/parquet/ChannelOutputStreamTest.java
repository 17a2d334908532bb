package io.hypernet.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file holds exactly the bytes written, in order, whatever the write sizes against the
 * buffers and the disk blocks, through O_DIRECT (where the test directory's filesystem takes it)
 * and through the page cache.
 */
@Tag("spark-independent")
class ChannelOutputStreamTest {
  @TempDir
  Path dir;

  @Test
  void aFileWrittenWithAlignedBuffersHoldsExactlyTheBytesWritten() throws IOException {
    for (long seed = 0; seed < 20; seed++) {
      check(8192, seed, null);
    }
  }

  @Test
  void buffersThatAreNotWholeBlocksGoThroughThePageCache() throws IOException {
    check(1000, 3, false);
  }

  @Test
  void anEmptyFileStaysEmpty() throws IOException {
    Path file = dir.resolve("empty");
    try (ChannelOutputStream out = open(file, 8192)) {
      assertEquals(0, out.getPos());
    }
    assertEquals(0, Files.size(file));
  }

  /** Random writes (single bytes, slices smaller and larger than a buffer) into a new file. */
  private void check(int bufferBytes, long seed, Boolean expectDirect) throws IOException {
    Random random = new Random(seed);
    Path file = dir.resolve("f" + seed + "-" + bufferBytes);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (ChannelOutputStream out = open(file, bufferBytes)) {
      if (expectDirect != null) {
        assertEquals(expectDirect, out.direct());
      }
      int writes = random.nextInt(60);
      for (int i = 0; i < writes; i++) {
        if (random.nextInt(4) == 0) {
          int b = random.nextInt(256);
          out.write(b);
          expected.write(b);
        } else {
          byte[] bytes = new byte[random.nextInt(3 * bufferBytes)];
          random.nextBytes(bytes);
          int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
          int length = random.nextInt(bytes.length - offset + 1);
          out.write(bytes, offset, length);
          expected.write(bytes, offset, length);
        }
        if (random.nextInt(10) == 0) {
          out.flush();
        }
        assertEquals(expected.size(), out.getPos());
      }
    }
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file), "seed " + seed);
  }

  @Test
  void closingTwiceIsHarmlessAndAnExistingFileIsRefusedUnderCreateNew() throws IOException {
    Path file = dir.resolve("twice");
    ChannelOutputStream out = open(file, 8192);
    out.write(new byte[10_000], 0, 10_000);
    out.close();
    out.close();
    assertEquals(10_000, Files.size(file));
    assertThrows(FileAlreadyExistsException.class, () -> open(file, 8192));
  }

  private static ChannelOutputStream open(Path file, int bufferBytes) throws IOException {
    return new ChannelOutputStream(file, bufferBytes, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE_NEW);
  }
}
