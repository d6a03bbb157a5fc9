package dev.scheduler.identity;

/**
 * Who makes a request to a service, as a signer the service trusts vouches for it.
 *
 * @param issuer who signed it: {@code gateway}, or the service that calls another
 * @param caller the caller's name ({@code key:<name>}, a token's subject, {@code service:<name>})
 * @param role the caller's role (VIEWER, OPERATOR, ADMIN)
 * @param audience the service it is meant for
 */
public record CallerIdentity(String issuer, String caller, String role, String audience) {}
