package dev.scheduler.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a call that a user configured (an HTTP job, a webhook) may connect to: none of
 * the machine itself (loopback, wildcard), the local link (cloud metadata services live there), the
 * private and shared ranges of the network inside, or multicast, unless an allowed range holds it.
 * IPv6 forms that carry an IPv4 address (compatible, NAT64) are judged by that address.
 */
public final class AddressPolicy {

  private static final List<Range> INSIDE =
      List.of(
          Range.parse("0.0.0.0/8"), // "this network"
          Range.parse("100.64.0.0/10"), // shared address space (carrier-grade NAT)
          Range.parse("192.0.0.0/24"), // IETF protocol assignments
          Range.parse("198.18.0.0/15"), // benchmarking
          Range.parse("240.0.0.0/4"), // reserved, and the broadcast address
          Range.parse("fc00::/7"), // unique local (fd00:ec2::254 is a metadata service)
          Range.parse("64:ff9b:1::/48")); // local-use NAT64

  private static final Range NAT64 = Range.parse("64:ff9b::/96");

  private final List<Range> allowed;

  private AddressPolicy(List<Range> allowed) {
    this.allowed = allowed;
  }

  /**
   * The policy allowing, beyond the public internet, the given ranges ({@code 10.1.0.0/16}, {@code
   * fd12::/16}, or one address).
   *
   * @throws IllegalArgumentException naming an entry that is no range
   */
  public static AddressPolicy allowing(Collection<String> ranges) {
    return new AddressPolicy(ranges.stream().map(Range::parse).toList());
  }

  /** Why {@code address} may not be connected to; empty when it may. */
  public Optional<String> refusal(InetAddress address) {
    if (allowed.stream().anyMatch(r -> r.contains(address))) {
      return Optional.empty();
    }
    InetAddress judged = embeddedIpv4(address).orElse(address);
    String why = null;
    if (judged.isAnyLocalAddress()) {
      why = "a wildcard address";
    } else if (judged.isLoopbackAddress()) {
      why = "a loopback address";
    } else if (judged.isLinkLocalAddress()) {
      why = "a link-local address (where cloud metadata services answer)";
    } else if (judged.isSiteLocalAddress()) {
      why = "a private address";
    } else if (judged.isMulticastAddress()) {
      why = "a multicast address";
    } else if (INSIDE.stream().anyMatch(r -> r.contains(judged))) {
      why = "a reserved or private address";
    }
    return Optional.ofNullable(why)
        .map(w -> address.getHostAddress() + " is " + w + ", not in the allowed ranges " + allowed);
  }

  /** The IPv4 address an IPv6 one carries (IPv4-compatible {@code ::a.b.c.d}, NAT64). */
  private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return Optional.empty();
    }
    byte[] bytes = address.getAddress();
    boolean compatible = true;
    for (int i = 0; i < 12; i++) {
      compatible &= bytes[i] == 0;
    }
    if (!compatible && !NAT64.contains(address)) {
      return Optional.empty();
    }
    if (compatible && bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1) {
      return Optional.empty(); // :: and ::1 themselves
    }
    try {
      return Optional.of(Inet4Address.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return allowed.toString();
  }

  /** An address range in CIDR notation. */
  private record Range(byte[] network, int prefix, String text) {

    static Range parse(String text) {
      String trimmed = text == null ? "" : text.trim();
      int slash = trimmed.indexOf('/');
      String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
      // Literals only (so nothing is ever looked up): dotted IPv4, or IPv6 with colons.
      if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")
          && !host.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new IllegalArgumentException("not an address range: '" + text + "'");
      }
      byte[] network;
      try {
        network = InetAddress.getByName(host).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address range: '" + text + "'");
      }
      int prefix;
      try {
        prefix = slash < 0 ? network.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an address range: '" + text + "'");
      }
      if (prefix < 0 || prefix > network.length * 8) {
        throw new IllegalArgumentException("the prefix of '" + text + "' is out of range");
      }
      return new Range(network, prefix, trimmed);
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (bytes[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
