package dev.scheduler.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Resolves a host for the connection itself and refuses it when any of its addresses is one the
 * policy forbids. The connection goes to exactly the addresses checked here, so a name that
 * resolved to a public address when a URL was validated and to an inside one now (DNS rebinding) is
 * refused.
 */
final class GuardedDnsResolver implements DnsResolver {

  private final DnsResolver resolver;
  private final AddressPolicy policy;

  GuardedDnsResolver(DnsResolver resolver, AddressPolicy policy) {
    this.resolver = resolver;
    this.policy = policy;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress[] addresses = resolver.resolve(host);
    for (InetAddress address : addresses) {
      Optional<String> refusal = policy.refusal(address);
      if (refusal.isPresent()) {
        throw new ForbiddenAddressException(host, refusal.get());
      }
    }
    return addresses;
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    return resolver.resolveCanonicalHostname(host);
  }

  /** A host that resolves to an address the policy forbids. */
  static final class ForbiddenAddressException extends UnknownHostException {
    ForbiddenAddressException(String host, String why) {
      super("refused to connect to " + host + ": " + why);
    }
  }
}
