package io.hypernet.spark;

import io.hypernet.config.HypernetConfig;
import io.hypernet.weights.HypernetWeights;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * What an executor needs to make one hypernet's weights: a seed-derived one is its configuration
 * (the generator, REFERENCE.md "Weight generator", is counter-based and bit-reproducible); an
 * imported one is its file, with the identity the driver validated ({@code file} is null for
 * seeded weights).
 */
record HypernetRecipe(HypernetConfig config, String file, long length, long modificationTime)
    implements Serializable {

  static HypernetRecipe seeded(HypernetConfig config) {
    return new HypernetRecipe(config, null, 0, 0);
  }

  static HypernetRecipe imported(HypernetConfig pinned, String file, long length,
      long modificationTime) {
    return new HypernetRecipe(pinned, file, length, modificationTime);
  }

  /** Generates or reads the weights: called where they are used, on a cache miss. */
  HypernetWeights weights(Configuration hadoop) {
    return file == null ? HypernetWeights.seeded(config) : ImportedWeights.load(this, hadoop);
  }
}
