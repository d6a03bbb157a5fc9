package dev.scheduler.gateway.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** Roles as Spring Security authorities ({@code ROLE_VIEWER}, ...). */
final class Roles {

  private static final String PREFIX = "ROLE_";

  private Roles() {}

  static String authority(Role role) {
    return PREFIX + role.name();
  }

  /** The highest role an authenticated caller holds. */
  static Optional<Role> of(Authentication authentication) {
    if (authentication == null || !authentication.isAuthenticated()) {
      return Optional.empty();
    }
    Role best = null;
    for (GrantedAuthority authority : authentication.getAuthorities()) {
      String name = authority.getAuthority();
      if (name != null && name.startsWith(PREFIX)) {
        try {
          Role role = Role.valueOf(name.substring(PREFIX.length()));
          best = best == null || role.covers(best) ? role : best;
        } catch (IllegalArgumentException e) {
          // an authority that is not one of ours
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
