package io.hypernet.job.io;

import io.hypernet.job.S3Server;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PublicationTest} on an object store: S3A against a real S3 API server (S3Proxy), where
 * the publish moves file by file under a manifest ({@link ObjectStoreMove}). With a previous
 * output and a separate rejects dataset only, and a crash after every repair step for one
 * publish crash (mid-move), not for all: each S3 case costs dozens of requests.
 */
@Tag("spark-independent") // the same on every Spark line; on 4.2, as PublicationTest
class PublicationOnS3Test extends PublicationTest {
  @TempDir
  static java.nio.file.Path serverDir;
  private static S3Server s3;
  private static FileSystem fs;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = S3Server.start(serverDir, "publish");
    fs = new Path("s3a://publish/").getFileSystem(s3.hadoopConfiguration());
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (fs != null) {
      fs.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  FileSystem fs() {
    return fs;
  }

  @Override
  Path root() {
    return new Path("s3a://publish/" + UUID.randomUUID());
  }

  @Override
  boolean allCases() {
    return false;
  }
}
