package io.hypernet.testing;

import io.hypernet.weights.SafetensorsFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A safetensors file held in memory, read the way executors read one from a file system. */
public final class SafetensorsBytes {
  private SafetensorsBytes() {}

  public static SafetensorsFile parse(byte[] bytes, String source) {
    try {
      return SafetensorsFile.read(new ByteArrayInputStream(bytes), bytes.length, source);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array never fails to read
    }
  }
}
