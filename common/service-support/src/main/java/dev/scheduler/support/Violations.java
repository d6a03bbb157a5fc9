package dev.scheduler.support;

import dev.scheduler.contracts.FieldViolation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Collects what is wrong with a request, so that one answer names every bad field. */
public final class Violations {

  private final List<FieldViolation> found = new ArrayList<>();

  public void add(String field, String reason) {
    found.add(new FieldViolation(field, reason));
  }

  /** Records {@code reason} against {@code field} unless {@code ok}; returns {@code ok}. */
  public boolean require(boolean ok, String field, String reason) {
    if (!ok) {
      add(field, reason);
    }
    return ok;
  }

  /** {@code text} within {@code max} characters, or a violation. Null passes. */
  public String bounded(String text, String field, int max) {
    require(text == null || text.length() <= max, field, "must be at most " + max + " characters");
    return text;
  }

  /** The constant of {@code type} named by {@code value} (any case), or the fallback if null. */
  public <E extends Enum<E>> E oneOf(Class<E> type, String value, String field, E fallback) {
    if (value == null) {
      if (fallback == null) {
        add(field, "is required; one of " + names(type));
      }
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      add(field, "must be one of " + names(type));
      return fallback;
    }
  }

  /** An integer within bounds, the fallback if null. */
  public int between(Integer value, String field, int min, int max, int fallback) {
    if (value == null) {
      return fallback;
    }
    require(value >= min && value <= max, field, "must be between " + min + " and " + max);
    return value;
  }

  public boolean any() {
    return !found.isEmpty();
  }

  /** Throws the 400 listing everything found, if anything was. */
  public void throwIfAny() {
    if (any()) {
      throw ApiException.invalid(found);
    }
  }

  private static String names(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
