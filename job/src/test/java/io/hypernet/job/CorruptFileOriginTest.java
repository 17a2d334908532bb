package io.hypernet.job;

import io.hypernet.job.failure.JobFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.io.ParquetInputs;
import java.util.List;
import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exit 2 means the input is corrupt, so it is given only when the file that failed to decode is
 * one of the input's; a corrupt staged output file or a shuffle file is exit 1 with its message.
 */
class CorruptFileOriginTest {

  @ParameterizedTest(name = "{0} reading {1}")
  @CsvSource({
      "/data/w,               file:///data/w/part-00003.parquet,                        2",
      "/data/w,               file:/data/w/sub/part-00003.parquet,                      2",
      "hdfs://nn:8020/data/w, hdfs://nn:8020/data/w/part-1.parquet,                     2",
      "out/input/w,           file:/work/main/out/input/w/part-0.parquet,               2",
      "/data/w/part-0.parquet, file:/data/w/part-0.parquet,                             2",
      "/data/w,               file:/data/W.staging-local-1/part-00000.snappy.parquet,   1",
      "/data/w,               file:/data/w.staging-local-1/part-00000.snappy.parquet,   1",
      "/data/w,               file:/data/w2/part-00000.parquet,                         1",
      "out/input/w,           file:/work/main/about/input/w/part-0.parquet,             1",
      "/data/w,               /tmp/blockmgr-1/0c/shuffle_0_1_0.data,                    1",
      "/data/*/w,             file:/data/2024-01-01/w/part-0.parquet,                   2",
      "'/data/w-{a,b}',       file:/data/w-b/part-0.parquet,                            2",
      "'/data/w-{a,b}',       file:/data/w-c/part-0.parquet,                            1",
      "/data/*/w,             file:/data/2024-01-01/w.staging-1/part-0.parquet,         1"})
  void exitTwoOnlyForAFileOfTheInput(String input, String failedFile, int exitCode) {
    Exception e = new RuntimeException("Job aborted due to stage failure",
        new RuntimeException("Encountered error while reading file " + failedFile
            + ". Details:", new ParquetDecodingException("Can not read value at 0 in block -1 in "
            + "file " + failedFile)));
    JobFailure failure = ParquetInputs.unreadableInputOr(e, "input", List.of(input));
    assertEquals(exitCode, failure.exitCode(), failure.getMessage());
    assertTrue(failure.getMessage().contains(failedFile), failure.getMessage());
    assertTrue(failure.getMessage().startsWith(exitCode == 2
        ? "input path " + input + " holds a corrupt or truncated Parquet file: "
        : "failed reading a file that is not under the input path " + input + ": "),
        failure.getMessage());
  }

  /** Among several inputs, the message names the one the corrupt file is under. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"file:/data/b/part-0.parquet, /data/b, 2", "file:/data/c/part-0.parquet, , 1"})
  void namesTheInputTheFileIsUnder(String failedFile, String culprit, int exitCode) {
    Exception e = new RuntimeException("Encountered error while reading file " + failedFile,
        new ParquetDecodingException("Can not read value at 0"));
    JobFailure failure = ParquetInputs.unreadableInputOr(e, "input",
        List.of("/data/a", "/data/b"));
    assertEquals(exitCode, failure.exitCode(), failure.getMessage());
    assertTrue(failure.getMessage().startsWith(exitCode == 2 ? "input path " + culprit + " "
        : "failed reading a file that is not under the input paths /data/a, /data/b: "),
        failure.getMessage());
  }

  /** Spark 4 puts its error class first, and the cause need not be Parquet's own exception. */
  @Test
  void sparkFourFailedReadFileIsAnInputFileToo() {
    Exception e = new RuntimeException("[FAILED_READ_FILE.NO_HINT] Encountered error while "
        + "reading file file:///data/w/part-0.parquet.  SQLSTATE: KD001",
        new java.io.IOException("could not read page"));
    JobFailure failure = ParquetInputs.unreadableInputOr(e, "input", List.of("/data/w"));
    assertEquals(2, failure.exitCode(), failure.getMessage());
  }
}
