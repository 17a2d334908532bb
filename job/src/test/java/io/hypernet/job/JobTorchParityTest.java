package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.TorchFixtureTables;
import io.hypernet.testing.TorchParity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch job, through the real CLI, on hypernets real PyTorch built: configurations whose
 * weights name the state dicts (every dtype), the output read back and held to PyTorch's W.
 */
class JobTorchParityTest {
  @TempDir
  Path dir;

  @Test
  void theJobWritesPyTorchsW() throws Exception {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      TorchFixtureTables.write(spark, dir);
    } finally {
      spark.stop();
    }
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/w", "--configs",
        dir + "/configs", "--output", dir + "/out", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
    RunReport report = RunReport.fromJson(Files.readString(dir.resolve("out/_report.json")));
    assertEquals(0, report.rowsRejected(), report.toJson());

    TorchParity parity = new TorchParity("job CLI (auto)");
    spark = LocalSpark.start("local[2]");
    try {
      TorchFixtureTables.check(parity, spark.read().parquet(dir + "/out").collectAsList(), "id",
          "W");
    } finally {
      spark.stop();
    }
    parity.log();
  }
}
