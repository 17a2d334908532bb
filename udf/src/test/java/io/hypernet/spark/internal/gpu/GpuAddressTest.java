package io.hypernet.spark.internal.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Spark's GPU addresses as discovery scripts report them, mapped to CUDA device ordinals. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class GpuAddressTest {

  @Test
  void anIntegerAddressIsTheOrdinal() {
    assertEquals(0, GpuAddress.ordinal("0", null));
    assertEquals(3, GpuAddress.ordinal(" 3 ", "GPU-a,GPU-b"));
  }

  @Test
  void aUuidOrMigNameIsItsPositionInCudaVisibleDevices() {
    String visible = "GPU-6f1c2d3e-aaaa-bbbb-cccc-000000000001, GPU-6f1c2d3e-aaaa-bbbb-cccc-2,"
        + "MIG-GPU-6f1c2d3e-aaaa-bbbb-cccc-2/1/0";
    assertEquals(0, GpuAddress.ordinal("GPU-6f1c2d3e-aaaa-bbbb-cccc-000000000001", visible));
    assertEquals(1, GpuAddress.ordinal("GPU-6f1c2d3e-aaaa-bbbb-cccc-2", visible));
    assertEquals(2, GpuAddress.ordinal("MIG-GPU-6f1c2d3e-aaaa-bbbb-cccc-2/1/0", visible));
  }

  @Test
  void anUnknownNameIsTheDefaultDeviceNotAFailure() {
    assertEquals(0, GpuAddress.ordinal("GPU-1234-uuid", null));
    assertEquals(0, GpuAddress.ordinal("MIG-GPU-1234-uuid/1/0", "0,1"));
    assertEquals(0, GpuAddress.ordinal("99999999999", null), "too large for an ordinal");
  }
}
