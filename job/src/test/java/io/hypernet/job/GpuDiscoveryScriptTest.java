package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/gpu-discovery.sh run by bash with a fake nvidia-smi (three GPUs, one with a MIG instance)
 * first on PATH; its output is parsed by Spark's own resource JSON parser.
 */
class GpuDiscoveryScriptTest {
  private static final Path SCRIPT = Launcher.ROOT.resolve("conf/gpu-discovery.sh");
  @TempDir
  static Path bin;

  @BeforeAll
  static void fakeNvidiaSmi() throws IOException {
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, """
        #!/bin/sh
        case "$*" in
          *query-gpu=index,uuid*)
            printf '0, GPU-aaaa-1111\\n1, GPU-bbbb-2222\\n2, GPU-cccc-3333\\n' ;;
          *-L*)
            printf 'GPU 0: A100 (UUID: GPU-aaaa-1111)\\n'
            printf '  MIG 1g.10gb Device 0: (UUID: MIG-dddd-4444)\\n' ;;
          *) exit 9 ;;
        esac
        """);
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void withoutCudaVisibleDevicesEveryGpuIsItsIndex() throws Exception {
    assertArrayEquals(new String[] {"0", "1", "2"}, discover(null));
  }

  @Test
  void withCudaVisibleDevicesTheAddressesAreCudaOrdinals() throws Exception {
    assertArrayEquals(new String[] {"0", "1"}, discover("2,0"));
    assertArrayEquals(new String[] {"0"}, discover("GPU-cccc-3333"));
    assertArrayEquals(new String[] {"0", "1"}, discover(" GPU-bbbb , 0 "), "UUID prefix");
    assertArrayEquals(new String[] {"0"}, discover("MIG-dddd-4444"));
  }

  @Test
  void cudaHidesEverythingFromTheFirstEntryNamingNoDevice() throws Exception {
    assertArrayEquals(new String[] {"0"}, discover("1,7,2"));
    assertArrayEquals(new String[0], discover("-1"));
    assertArrayEquals(new String[0], discover(""));
  }

  @Test
  void aFailingNvidiaSmiFailsDiscoveryWithItsMessage() throws Exception {
    Path broken = Files.createDirectories(bin.resolve("broken"));
    Files.writeString(broken.resolve("nvidia-smi"),
        "#!/bin/sh\necho 'NVIDIA-SMI has failed: no driver' >&2\nexit 9\n");
    Files.setPosixFilePermissions(broken.resolve("nvidia-smi"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    Result r = run(broken, null);
    assertEquals(1, r.exitCode());
    assertTrue(r.stderr().contains("nvidia-smi failed: NVIDIA-SMI has failed: no driver"),
        r.stderr());
  }

  private static String[] discover(String cudaVisibleDevices) throws Exception {
    Result r = run(bin, cudaVisibleDevices);
    assertEquals(0, r.exitCode(), r.stderr());
    // Exactly Spark's format: what a worker or executor does with the script's stdout.
    ResourceInformation gpus = ResourceInformation.parseJson(r.stdout());
    assertEquals("gpu", gpus.name());
    return gpus.addresses();
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(Path path, String cudaVisibleDevices) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
    Map<String, String> env = pb.environment();
    env.put("PATH", path + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.remove("CUDA_VISIBLE_DEVICES");
    if (cudaVisibleDevices != null) {
      env.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices);
    }
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "discovery script timed out");
    return new Result(p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
