package io.hypernet.spark.internal.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the GPU address Spark assigned to a task into a CUDA device ordinal. Discovery scripts
 * report whatever they like: an index ({@code 1}), a UUID ({@code GPU-6f1c…}) or a MIG instance
 * ({@code MIG-GPU-…/1/0}, {@code MIG-…}). CUDA numbers the devices listed in
 * {@code CUDA_VISIBLE_DEVICES} from 0, so a name found there is its position in that list.
 */
final class GpuAddress {
  private static final Logger LOG = LoggerFactory.getLogger(GpuAddress.class);
  /** Addresses already warned about: one warning per address and executor, not per task. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private GpuAddress() {}

  /** The ordinal for this JVM's CUDA_VISIBLE_DEVICES; see {@link #ordinal(String, String)}. */
  static int ordinal(String address) {
    return ordinal(address, System.getenv("CUDA_VISIBLE_DEVICES"));
  }

  /**
   * An integer address is the ordinal; a name is its position in {@code cudaVisibleDevices};
   * anything else is CUDA's default device, 0 (on an executor given one GPU, the right one),
   * with a warning naming the address.
   */
  static int ordinal(String address, String cudaVisibleDevices) {
    String trimmed = address.trim();
    if (trimmed.matches("\\d{1,9}")) {
      return Integer.parseInt(trimmed);
    }
    if (cudaVisibleDevices != null) {
      List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim)
          .toList();
      int position = visible.indexOf(trimmed);
      if (position >= 0) {
        return position;
      }
    }
    if (WARNED.add(trimmed)) {
      LOG.warn("GPU address '{}' assigned by Spark is not a device ordinal and not listed in "
          + "CUDA_VISIBLE_DEVICES ({}); using the default CUDA device 0", trimmed,
          cudaVisibleDevices == null ? "unset" : cudaVisibleDevices);
    }
    return 0;
  }
}
