package dev.scheduler.support;

import dev.scheduler.contracts.Secrets;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Outside the local profile a service does not start without the keys of the signers it believes
 * ({@code scheduler.identity.trusted-keys}): without them it would believe the plain caller
 * headers, so anyone who reaches its port could call its API as anyone. The local stack, where
 * every port is on one machine, may go without.
 */
public final class IdentityRequirement {

  private IdentityRequirement() {}

  /**
   * @throws IllegalStateException naming the setting, unless keys are set or the profile is local
   */
  public static IdentityRequirement check(IdentityProperties identity, Environment environment) {
    if (identity.trustedKeys().isEmpty()
        && !environment.acceptsProfiles(Profiles.of(Secrets.LOCAL_PROFILE))) {
      Secrets.fail(
          "scheduler.identity.trusted-keys (SCHEDULER_IDENTITY_TRUSTEDKEYS_0_ID and"
              + " SCHEDULER_IDENTITY_TRUSTEDKEYS_0_PUBLICKEY) must name the public key of the"
              + " gateway's identity signer outside the '"
              + Secrets.LOCAL_PROFILE
              + "' profile: without it anyone who reaches this service's port could call its API"
              + " as anyone");
    }
    return new IdentityRequirement();
  }
}
