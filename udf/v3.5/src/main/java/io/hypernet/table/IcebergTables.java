package io.hypernet.table;

import io.hypernet.parquet.FieldIds;
import io.hypernet.spark.internal.ParquetFooters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Iceberg tables through iceberg-core (in Iceberg's Spark runtime): the bulk writer's files are
 * committed as they are, one snapshot per run, partitioned by {@code identity(config_id)}.
 */
public final class IcebergTables {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTables.class);

  private IcebergTables() {}

  /**
   * Loads the table, or prepares to create it in the same commit as its first rows, and checks
   * that it can take this run's rows before anything is written.
   *
   * @param schema the rows' Spark schema: id, config_id, n, D, W
   * @param runId names the run's data directory, so no run writes over another's files
   * @throws IllegalArgumentException when the mode or the table's layout refuses the write
   */
  public static TableWrite begin(IcebergTarget target, StructType schema, String runId,
      Configuration hadoop) {
    Catalog catalog = CatalogUtil.buildIcebergCatalog(target.catalog(),
        target.catalogProperties(), hadoop);
    TableIdentifier id = TableIdentifier.parse(target.table());
    String name = target.catalog() + "." + target.table();
    String configColumn = schema.fieldNames()[1];
    Schema rows = SparkSchemaUtil.convert(schema);
    if (catalog.tableExists(id)) {
      if (target.mode() == TableMode.ERROR) {
        throw new IllegalArgumentException("table " + name + " exists; mode append, overwrite "
            + "or overwrite-partitions writes into it");
      }
      Table table = catalog.loadTable(id);
      checkLayout(name, table, rows, configColumn);
      return new Write(name, catalog, table, null, target.mode(), runId, hadoop);
    }
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(id.namespace())) {
      try {
        namespaces.createNamespace(id.namespace());
      } catch (AlreadyExistsException e) {
        LOG.debug("namespace {} created meanwhile", id.namespace());
      }
    }
    Transaction create = catalog.buildTable(id, rows)
        .withPartitionSpec(PartitionSpec.builderFor(rows).identity(configColumn).build())
        .createTransaction();
    return new Write(name, catalog, create.table(), create, target.mode(), runId, hadoop);
  }

  /** Same columns and types as the rows (by name), partitioned by config_id alone. */
  private static void checkLayout(String name, Table table, Schema rows, String configColumn) {
    Schema mapped;
    try {
      mapped = TypeUtil.reassignIds(rows, table.schema());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("table " + name + " has columns " + table.schema()
          .asStruct() + ", which cannot hold rows " + rows.asStruct() + ": " + e.getMessage());
    }
    if (!mapped.asStruct().equals(table.schema().asStruct())) {
      throw new IllegalArgumentException("table " + name + " has columns " + table.schema()
          .asStruct() + ", not those of the rows " + mapped.asStruct());
    }
    List<PartitionField> fields = table.spec().fields();
    if (fields.size() != 1 || !fields.get(0).transform().isIdentity()
        || fields.get(0).sourceId() != table.schema().findField(configColumn).fieldId()) {
      throw new IllegalArgumentException("table " + name + " is partitioned by " + table.spec()
          + "; hypernet writes tables partitioned by identity(" + configColumn + ") only");
    }
  }

  /** One run's files and their commit. */
  private static final class Write extends RunDirectoryWrite {
    private final Catalog catalog;
    private final Table table;
    /** The table's creation, committed with the first rows; null for an existing table. */
    private final Transaction create;
    private final TableMode mode;
    private final Long startSnapshot;

    Write(String name, Catalog catalog, Table table, Transaction create, TableMode mode,
        String runId, Configuration hadoop) {
      super(name, new Path(table.properties().getOrDefault(
          TableProperties.WRITE_DATA_LOCATION, table.location() + "/data")), runId, hadoop);
      this.catalog = catalog;
      this.table = table;
      this.create = create;
      this.mode = mode;
      this.startSnapshot = table.currentSnapshot() == null ? null
          : table.currentSnapshot().snapshotId();
    }

    @Override
    public FieldIds fieldIds() {
      Schema schema = table.schema();
      List<Types.NestedField> columns = schema.columns();
      return new FieldIds(columns.get(0).fieldId(), columns.get(1).fieldId(),
          columns.get(2).fieldId(), columns.get(3).fieldId(), columns.get(4).fieldId(),
          columns.get(4).type().asListType().elementId());
    }

    @Override
    public TableCommit commit(Map<String, String> summary) throws IOException {
      long started = System.nanoTime();
      List<DataFile> files = dataFiles();
      long footersRead = System.nanoTime();
      long rows = files.stream().mapToLong(DataFile::recordCount).sum();
      SnapshotUpdate<?> update = update(files);
      summary.forEach(update::set);
      try {
        update.commit();
        if (create != null) {
          create.commitTransaction();
        }
      } catch (ValidationException | CommitFailedException | AlreadyExistsException e) {
        throw new TableConflictException("another writer changed table " + name() + " while "
            + "this run wrote it; nothing of this run was committed: " + e.getMessage(), e);
      } catch (CommitStateUnknownException e) {
        committed = true; // the files may be in the table now: keep them
        throw new IOException("the commit to table " + name() + " may or may not have happened "
            + "(" + e.getMessage() + "); this run's files under " + directory + " were kept", e);
      }
      committed = true;
      long snapshot = (create != null ? create.table() : table).currentSnapshot().snapshotId();
      LOG.info("committed {} files, {} rows to {} as snapshot {} ({} ms: footers {} ms, commit "
          + "{} ms)", files.size(), rows, name(), snapshot,
          (System.nanoTime() - started) / 1_000_000,
          (footersRead - started) / 1_000_000, (System.nanoTime() - footersRead) / 1_000_000);
      return new TableCommit(name(), snapshot, files.size(), rows);
    }

    private SnapshotUpdate<?> update(List<DataFile> files) {
      if (create != null) { // a new table: every mode starts it with these rows
        AppendFiles append = create.newAppend();
        files.forEach(append::appendFile);
        return append;
      }
      switch (mode) {
        case APPEND -> {
          AppendFiles append = table.newAppend();
          files.forEach(append::appendFile);
          return append;
        }
        case OVERWRITE -> {
          var overwrite = table.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
          files.forEach(overwrite::addFile);
          if (startSnapshot != null) {
            overwrite.validateFromSnapshot(startSnapshot);
          }
          return overwrite.validateNoConflictingData().validateNoConflictingDeletes();
        }
        case OVERWRITE_PARTITIONS -> {
          var replace = table.newReplacePartitions();
          files.forEach(replace::addFile);
          if (startSnapshot != null) {
            replace.validateFromSnapshot(startSnapshot);
          }
          return replace.validateNoConflictingData().validateNoConflictingDeletes();
        }
        default -> throw new IllegalStateException("table " + name() + " exists; mode " + mode);
      }
    }

    /** The run's files with their metrics from the footers; a file without rows is dropped. */
    private List<DataFile> dataFiles() throws IOException {
      List<DataFile> files = new ArrayList<>();
      for (RunFiles.Footer footer : RunFiles.footers(directory.getFileSystem(hadoop), directory,
          hadoop)) {
        files.add(dataFile(footer.status(), footer.metadata(), footer.rows()));
      }
      return files;
    }

    /**
     * The file's entry, its metrics taken from its footer by our code (Iceberg's own footer
     * metrics took ten times as long per file). Every column gets sizes and counts; the key
     * columns also bounds, whole (config_id's is the file's partition); W's elements none, as
     * Iceberg keeps none for a list.
     */
    private DataFile dataFile(FileStatus status, ParquetMetadata footer, long rows)
        throws IOException {
      MessageType parquetSchema = footer.getFileMetaData().getSchema();
      Map<Integer, Long> sizes = new HashMap<>();
      Map<Integer, Long> values = new HashMap<>();
      Map<Integer, Long> nulls = new HashMap<>();
      Map<Integer, Statistics<?>> bounds = new HashMap<>();
      for (BlockMetaData block : footer.getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          org.apache.parquet.schema.Type field = parquetSchema.getType(column.getPath().toArray());
          if (field.getId() == null) {
            throw new IOException(status.getPath() + " has no field id for column "
                + column.getPath() + "; a table's files carry the table's ids");
          }
          int id = field.getId().intValue();
          sizes.merge(id, column.getTotalSize(), Long::sum);
          values.merge(id, column.getValueCount(), Long::sum);
          nulls.merge(id, column.getStatistics().getNumNulls(), Long::sum);
          if (column.getPath().size() == 1) { // a key column, not W's element
            bounds.computeIfAbsent(id, i -> Statistics.createStats(field.asPrimitiveType()))
                .mergeStatistics(column.getStatistics());
          }
        }
      }
      Map<Integer, ByteBuffer> lower = new HashMap<>();
      Map<Integer, ByteBuffer> upper = new HashMap<>();
      bounds.forEach((id, stats) -> {
        if (stats.hasNonNullValue()) {
          Type type = table.schema().findType(id);
          lower.put(id, Conversions.toByteBuffer(type, icebergValue(type, stats.genericGetMin())));
          upper.put(id, Conversions.toByteBuffer(type, icebergValue(type, stats.genericGetMax())));
        }
      });
      String configId = RunFiles.onlyConfig(status.getPath(),
          bounds.get(table.schema().columns().get(1).fieldId()));
      return DataFiles.builder(table.spec()).withPath(status.getPath().toString())
          .withFormat(FileFormat.PARQUET).withFileSizeInBytes(status.getLen())
          .withMetrics(new Metrics(rows, sizes, values, nulls, null, lower, upper))
          .withPartition(new ConfigPartition(configId)).build();
    }

    @Override
    public List<String> removeAbandoned(Predicate<String> runGone) throws IOException {
      return RunFiles.removeAbandoned(directory.getFileSystem(hadoop), directory, runGone,
          this::referencedRunDirectories, name());
    }

    /** The run directories named by any snapshot: in its summary or by its live files. */
    private Set<String> referencedRunDirectories() throws IOException {
      if (create != null) {
        return Set.of(); // a table not created yet has no snapshot
      }
      table.refresh();
      Set<String> runs = new HashSet<>();
      Set<String> manifests = new HashSet<>();
      for (Snapshot snapshot : table.snapshots()) {
        String runId = snapshot.summary().get("hypernet.run-id");
        if (runId != null) {
          runs.add(RunFiles.RUN_PREFIX + runId);
        }
        for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
          if (manifests.add(manifest.path())) {
            try (ManifestReader<DataFile> files = ManifestFiles.read(manifest, table.io(),
                table.specs())) {
              for (DataFile file : files) {
                runs.add(new Path(file.location()).getParent().getName());
              }
            }
          }
        }
      }
      return runs;
    }

    /** Closes the catalog this write built: its FileIO, its clients. */
    @Override
    protected void release() {
      if (catalog instanceof java.io.Closeable closeable) {
        try {
          closeable.close();
        } catch (IOException e) {
          LOG.debug("closing the catalog of {}: {}", name(), e.toString());
        }
      }
    }
  }

  /** A Parquet statistic as Iceberg holds a value of {@code type}. */
  private static Object icebergValue(Type type, Object parquet) {
    if (parquet instanceof Binary binary) {
      return type.typeId() == Type.TypeID.STRING ? binary.toStringUsingUTF8()
          : binary.toByteBuffer();
    }
    return parquet; // Integer or Long, as Iceberg's int and long
  }

  /** The partition tuple of a file: its config_id. */
  private record ConfigPartition(String configId) implements StructLike {
    @Override
    public int size() {
      return 1;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(configId);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("a file's partition is fixed");
    }
  }
}
