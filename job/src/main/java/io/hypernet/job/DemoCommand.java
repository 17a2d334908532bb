package io.hypernet.job;

import io.hypernet.parquet.OutputCodecs;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.run.ReconcileJob;
import io.hypernet.job.run.RunSettings;
import io.hypernet.job.sample.SampleData;
import io.hypernet.spark.ReconcileOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hypernet demo}: sample data → local Spark → DIR/W, and the report. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generates a sample (3 configurations, 30,000 w vectors with a few bad rows)",
        "into DIR/input, reconciles it on local Spark into DIR/W and prints the report."})
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", defaultValue = "out", paramLabel = "DIR",
      description = "Working directory, replaced on each demo (default ${DEFAULT-VALUE}).")
  String dir;

  @Option(names = "--rows", defaultValue = "30000", description = "w vectors (default ${DEFAULT-VALUE}).")
  long rows;

  @Mixin
  EngineOption engine;

  @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL")
  String master;

  @Mixin
  SparkConfOption sparkConf;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.start("hypernet demo", master, sparkConf.settings());
    try {
      String input = dir + "/input";
      SampleData.write(spark, new SampleData.Spec(rows, 3, 64, 32, 128, 128, 42, 12, 4), input);
      RunSettings settings = new RunSettings(
          new RunSettings.Paths(List.of(input + "/w"), input + "/configs", Map.of(), dir + "/W",
              null),
          ReconcileOptions.defaults().withEngine(engine.kind),
          RunSettings.Output.overwriting(RunSettings.Writer.BULK, OutputCodecs.DEFAULT),
          RunSettings.BadRows.REJECT, 0);
      RunReport report = new ReconcileJob(spark, settings).run();
      spec.commandLine().getOut().println("hypernet demo " + report.summary());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
