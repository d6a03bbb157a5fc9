package dev.scheduler.contracts;

import java.util.Collection;
import java.util.Optional;

/**
 * The platform's rule for its own secrets (agent tokens, signing keys): the built-in values that
 * let the local stack start without any setting serve the {@value #LOCAL_PROFILE} profile only.
 * Everywhere else a process refuses to start with a secret that is missing, short or built in,
 * naming the setting, rather than run open to anyone who has read this repository.
 */
public final class Secrets {

  /** The Spring profile of the local stack, the only one that accepts the built-in secrets. */
  public static final String LOCAL_PROFILE = "local";

  /** The fewest characters a secret may have outside the local profile. */
  public static final int MIN_LENGTH = 32;

  private Secrets() {}

  /** Why {@code value} may not serve as a secret outside the local profile; empty if it may. */
  public static Optional<String> weakness(String value, Collection<String> builtIns) {
    if (value == null || value.isBlank()) {
      return Optional.of("it is not set");
    }
    if (builtIns.contains(value)) {
      return Optional.of("it is the local stack's built-in value");
    }
    if (value.length() < MIN_LENGTH) {
      return Optional.of("it is shorter than " + MIN_LENGTH + " characters");
    }
    return Optional.empty();
  }

  /**
   * Fails unless {@code value} may serve as the secret {@code setting}, or the local profile is
   * active.
   *
   * @throws IllegalStateException naming the setting and what is wrong with it
   */
  public static void require(
      boolean localProfile, String setting, String value, Collection<String> builtIns) {
    if (localProfile) {
      return;
    }
    weakness(value, builtIns)
        .ifPresent(
            why ->
                fail(
                    setting
                        + " must be a secret of at least "
                        + MIN_LENGTH
                        + " characters outside the '"
                        + LOCAL_PROFILE
                        + "' profile: "
                        + why));
  }

  /**
   * @throws IllegalStateException with {@code message}
   */
  public static void fail(String message) {
    throw new IllegalStateException(message);
  }
}
