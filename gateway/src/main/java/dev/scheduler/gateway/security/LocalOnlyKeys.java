package dev.scheduler.gateway.security;

import dev.scheduler.contracts.Secrets;
import java.util.List;
import java.util.Locale;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Outside the local profile the gateway does not start with the local stack's API key (whose hash
 * is the default of {@code SCHEDULER_GATEWAY_ADMIN_KEY_SHA256}): it is in this repository, so it
 * would be admin access for anyone.
 */
final class LocalOnlyKeys {

  /** The hex SHA-256 of {@code local-dev-admin-key}. */
  static final String BUILT_IN_SHA256 =
      "6f7593f48eb57fc679c0b173ee15f27ea20f32b92d146e414327218a079ab479";

  private LocalOnlyKeys() {}

  /**
   * @throws IllegalStateException naming the key, unless the local profile is active
   */
  static void check(List<SecurityProperties.ApiKey> keys, Environment environment) {
    if (environment.acceptsProfiles(Profiles.of(Secrets.LOCAL_PROFILE))) {
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (BUILT_IN_SHA256.equals(keys.get(i).sha256().toLowerCase(Locale.ROOT))) {
        Secrets.fail(
            "scheduler.gateway.security.api-keys["
                + i
                + "] ("
                + keys.get(i).name()
                + ") is the local stack's built-in key, refused outside the '"
                + Secrets.LOCAL_PROFILE
                + "' profile: set SCHEDULER_GATEWAY_ADMIN_KEY_SHA256 to the SHA-256 of a key of"
                + " your own");
      }
    }
  }
}
