package io.hypernet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.weights.HypernetWeights;
import io.hypernet.weights.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A weights file is validated once on the driver and read again where it is used: the executor
 * gets the same weights, and a file rewritten in between is refused, never used half-validated.
 */
class ImportedWeightsIdentityTest {
  @TempDir
  Path dir;

  private static byte[] stateDict(float scale) {
    float[] a1 = new float[8 * 4];
    float[] a2 = new float[6 * 8];
    for (int i = 0; i < a1.length; i++) {
      a1[i] = scale * i;
    }
    for (int i = 0; i < a2.length; i++) {
      a2[i] = scale / (i + 1);
    }
    return new SafetensorsWriter()
        .f32("0.weight", a1, 8, 4)
        .f32("0.bias", new float[8], 8)
        .f32("1.weight", a2, 6, 8)
        .f32("1.bias", new float[6], 6)
        .bytes();
  }

  private HypernetConfig config(Path file) {
    ConfigRow row = new ConfigRow("trained", 4, 2, 3, 8, null, false, "none", file.toString(),
        "test");
    return new ConfigValidator(new SizeLimits(1L << 30)).validate(List.of(row)).valid().get(0);
  }

  @Test
  void theExecutorReadsTheValidatedWeightsAndRefusesARewrittenFile() throws Exception {
    Path file = dir.resolve("trained.safetensors");
    Files.write(file, stateDict(0.5f));
    Configuration hadoop = new Configuration();
    HypernetRecipe recipe = ImportedWeights.validate(config(file), hadoop);
    assertTrue(recipe.config().weightsSource().startsWith(file + "#sha256:"),
        recipe.config().weightsSource());

    HypernetWeights loaded = recipe.weights(hadoop);
    assertEquals(recipe.config(), loaded.config());
    assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f}, java.util.Arrays.copyOf(loaded.a1(), 4));

    // Same length, new content and time: the modification time gives it away.
    FileTime validated = Files.getLastModifiedTime(file);
    Files.write(file, stateDict(0.25f));
    Files.setLastModifiedTime(file, FileTime.fromMillis(validated.toMillis() + 5_000));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> recipe.weights(hadoop));
    assertTrue(e.getMessage().contains("configuration 'trained': weights " + file)
        && e.getMessage().contains("changed since the run started (length"), e.getMessage());

    // Time put back as well: the content digest still gives it away.
    Files.setLastModifiedTime(file, validated);
    e = assertThrows(IllegalStateException.class, () -> recipe.weights(hadoop));
    assertTrue(e.getMessage().contains("changed since the run started (its content digest "
        + "differs)"), e.getMessage());
  }
}
