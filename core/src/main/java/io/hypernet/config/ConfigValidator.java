package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Applies the defaults and rules of REFERENCE.md, "Configurations", to configuration rows. */
public final class ConfigValidator {
  private final SizeLimits limits;
  private final String weightsBase;

  /** Relative weights paths stay relative (to the working directory of the filesystem). */
  public ConfigValidator(SizeLimits limits) {
    this(limits, null);
  }

  /**
   * @param weightsBase the directory relative weights paths are resolved against: the
   *     configurations' directory (null: leave them relative)
   */
  public ConfigValidator(SizeLimits limits, String weightsBase) {
    this.limits = limits;
    this.weightsBase = weightsBase;
  }

  /** The outcome for a whole configurations table. */
  public record Result(List<HypernetConfig> valid, List<InvalidConfig> invalid) {
    public boolean isEmpty() {
      return valid.isEmpty() && invalid.isEmpty();
    }
  }

  public Result validate(List<ConfigRow> rows) {
    Map<String, List<ConfigRow>> byId = new LinkedHashMap<>();
    List<InvalidConfig> invalid = new ArrayList<>();
    for (ConfigRow row : rows) {
      if (row.configId() == null) {
        invalid.add(new InvalidConfig(null, "config_id is null in " + row.source()));
      } else {
        byId.computeIfAbsent(row.configId(), k -> new ArrayList<>()).add(row);
      }
    }
    List<HypernetConfig> valid = new ArrayList<>();
    for (Map.Entry<String, List<ConfigRow>> e : byId.entrySet()) {
      if (e.getValue().size() > 1) {
        invalid.add(new InvalidConfig(e.getKey(),
            "duplicate config_id: " + e.getValue().size() + " rows in the configurations"));
        continue;
      }
      ConfigRow row = e.getValue().get(0);
      String problem = problemOf(row);
      if (problem != null) {
        invalid.add(new InvalidConfig(row.configId(), problem));
      } else {
        valid.add(build(row, weightsBase));
      }
    }
    return new Result(List.copyOf(valid), List.copyOf(invalid));
  }

  private String problemOf(ConfigRow row) {
    String sizes = firstNonNull(
        positive("l", row.l(), null),
        positive("n", row.n(), null),
        positive("D", row.d(), null),
        positive("hidden_dim", row.hiddenDim(), HypernetConfig.DEFAULT_HIDDEN_DIM));
    if (sizes != null) {
      return sizes;
    }
    try {
      Activation.parse(row.activation());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    try {
      WeightsInit.parse(row.init());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    if (row.init() != null && row.weights() != null) {
      return "init=" + BoundedText.of(row.init()) + " generates frozen random weights and "
          + "contradicts weights=" + BoundedText.of(row.weights())
          + "; leave init null to use the file";
    }
    if (Boolean.FALSE.equals(row.isStatic()) && row.weights() == null) {
      return "static=false needs a weights path (a safetensors file of the trained hypernet)";
    }
    if (Boolean.TRUE.equals(row.isStatic()) && row.weights() != null) {
      return "static=true (seed-derived weights) contradicts weights="
          + BoundedText.of(row.weights()) + "; set static to false or null to use the file";
    }
    if (row.weights() != null) {
      String location = WeightsLocation.problemOf(row.weights());
      if (location != null) {
        return location;
      }
    }
    return limits.check(row.l().intValue(), row.n().intValue(), row.d().intValue(), hidden(row));
  }

  private static String positive(String column, Long value, Integer defaultValue) {
    if (value == null) {
      return defaultValue == null ? column + " is missing (null)" : null;
    }
    if (value <= 0) {
      return column + " must be > 0, got " + value;
    }
    return value <= Integer.MAX_VALUE ? null
        : column + " must be at most " + Integer.MAX_VALUE + " (an int), got " + value;
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static int hidden(ConfigRow row) {
    return row.hiddenDim() == null ? HypernetConfig.DEFAULT_HIDDEN_DIM
        : row.hiddenDim().intValue();
  }

  private static HypernetConfig build(ConfigRow row, String weightsBase) {
    return new HypernetConfig(row.configId(), row.l().intValue(), row.n().intValue(),
        row.d().intValue(), hidden(row),
        row.seed() == null ? HypernetConfig.DEFAULT_SEED : row.seed(),
        Activation.parse(row.activation()), WeightsInit.parse(row.init()),
        row.weights() == null ? null : WeightsLocation.resolve(row.weights(), weightsBase));
  }
}
