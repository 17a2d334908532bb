package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.io.Serializable;

/**
 * A configuration that cannot be built, with the reason; all its input rows are rejected with
 * {@code reason = "invalid_config"} and this reason in {@code reason_detail}.
 *
 * @param configId the key as read (null when the key itself is missing)
 */
public record InvalidConfig(String configId, String reason) implements Serializable {
  /** The reason may quote file content, URIs or ids: bounded (the key stays whole, for joins). */
  public InvalidConfig {
    reason = BoundedText.of(reason);
  }
}
