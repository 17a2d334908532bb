"""Reconcile each day's w vectors into W matrices with hypernet-spark.

One run per logical date: spark-submit of the job's shaded jar reads
<data>/w/ds=<ds> and <data>/configs and publishes <data>/W/ds=<ds> (with its
_rejects/ and _report.json inside). Whatever the outcome, the run leaves
<data>/W/_last_run/ds=<ds>.report.json beside the output: "status"
succeeded, or failed with "reason" {"message", "exit_code"}; readers of W/
skip it ('_').

Set per deployment (read when the DAG file is parsed):
  HYPERNET_JAR   the application jar of the cluster's Spark line, readable where
                 spark-submit runs (once built: Spark 3.5,
                 job/v3.5/target/hypernet-job-3.5_2.12-0.1.0-SNAPSHOT-spark.jar;
                 Spark 4, job/v4.2/target/hypernet-job-4.2_2.13-0.1.0-SNAPSHOT-spark.jar;
                 default: the Spark 3.5 jar copied to /opt/hypernet/)
  HYPERNET_DATA  the dataset root, e.g. hdfs:///data/hypernet
  HYPERNET_TABLE to commit each day's W to a table instead: one atomic commit per run,
                 --mode overwrite-partitions (the day's configurations replace their
                 earlier rows, so a retry commits the same rows again); rejects under
                 <data>/rejects/ds=<ds>/<run id>, named in the commit's summary, and the
                 last-run report at <data>/rejects/_last_run/ds=<ds>.report.json.
                 Iceberg (Spark 3.5 jar only): a name, e.g. db.W, in a Hadoop catalog on
                 <data>/warehouse. Delta: the table's location, e.g. <data>/tables/W.
  HYPERNET_TABLE_FORMAT  iceberg (default) or delta
  HYPERNET_ICEBERG_JAR  with an Iceberg table: Iceberg's Spark runtime, which the application
                 jar leaves out (default /opt/hypernet/iceberg-spark-runtime-3.5_2.12-1.12.0.jar)
and the Airflow connection "spark_default" (master: yarn, spark://..., k8s://...).
"""
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = os.environ.get("HYPERNET_JAR", "/opt/hypernet/hypernet-job-3.5_2.12-0.1.0-SNAPSHOT-spark.jar")
DATA = os.environ.get("HYPERNET_DATA", "hdfs:///data/hypernet")
TABLE = os.environ.get("HYPERNET_TABLE")
TABLE_FORMAT = os.environ.get("HYPERNET_TABLE_FORMAT", "iceberg")
ICEBERG_JAR = os.environ.get("HYPERNET_ICEBERG_JAR",
                             "/opt/hypernet/iceberg-spark-runtime-3.5_2.12-1.12.0.jar")
ICEBERG = TABLE and TABLE_FORMAT == "iceberg"

if TABLE:
    # A Delta table is named by its location; an Iceberg one lives in a catalog.
    CATALOG_ARGS = ["--warehouse", DATA + "/warehouse"] if ICEBERG else []
    OUTPUT_ARGS = ["--output-format", TABLE_FORMAT, "--table", TABLE, *CATALOG_ARGS,
                   "--rejects", DATA + "/rejects/ds={{ ds }}", "--mode", "overwrite-partitions"]
else:
    OUTPUT_ARGS = ["--output", DATA + "/W/ds={{ ds }}", "--mode", "overwrite"]

# What the job needs on top of the cluster's own spark-defaults.conf (docs/clusters.md, "Our
# settings go with --conf"): the jvm engine's vector module, and DJL offline at one PyTorch
# thread per task core.
JAVA_OPTIONS = ("--add-modules=jdk.incubator.vector -Dai.djl.offline=true "
                "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1")

# Exit codes of `hypernet run`, as spark-submit returns them in client mode (in YARN cluster
# mode spark-submit exits 1 for any failed application; the code is in the diagnostics and in
# the last-run report):
#   1  anything else (an executor lost, the filesystem unavailable): a retry may succeed.
#   2  invalid invocation or inputs (missing path or column, corrupt file, bad configurations);
#      nothing was written. A retry fails the same way until the data is fixed.
#   3  bad rows beyond the policy (--max-reject-fraction); nothing was published. A retry fails
#      the same way: fix the input, or rerun with a higher limit once the rejects are understood.
# Retries are therefore for exit 1. They are safe for every code: with --mode overwrite a retry
# after a successful publish republishes the same rows (the output is replaced whole, never
# appended to), with a table --mode overwrite-partitions replaces the day's configurations
# again, and a retry after a failure starts from nothing.
default_args = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
}

with DAG(
    dag_id="hypernet_reconcile",
    description="w vectors -> hypernet-reconciled W, one partition per logical date",
    schedule="@daily",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["hypernet", "spark"],
) as dag:
    reconcile = SparkSubmitOperator(
        task_id="reconcile",
        conn_id="spark_default",
        application=JAR,
        jars=ICEBERG_JAR if ICEBERG else None,
        java_class="io.hypernet.job.HypernetCli",
        name="hypernet-reconcile-{{ ds }}",
        driver_memory="4g",
        conf={
            "spark.driver.extraJavaOptions": JAVA_OPTIONS,
            "spark.executor.extraJavaOptions": JAVA_OPTIONS,
        },
        application_args=[
            "run",
            "--input", DATA + "/w/ds={{ ds }}",
            "--configs", DATA + "/configs",
            *OUTPUT_ARGS,
            "--max-reject-fraction", "0.01",
        ],
    )
