package dev.scheduler.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

  private final AddressPolicy strict = AddressPolicy.allowing(List.of());

  @Test
  void the_inside_of_the_network_and_the_machine_are_refused() throws Exception {
    for (String inside :
        List.of(
            "127.0.0.1",
            "127.1.2.3",
            "0.0.0.0",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.2",
            "64:ff9b::a9fe:a9fe",
            "ff02::1")) {
      assertThat(strict.refusal(InetAddress.getByName(inside))).as(inside).isPresent();
    }
    assertThat(strict.refusal(InetAddress.getByName("169.254.169.254")).orElseThrow())
        .isEqualTo(
            "169.254.169.254 is a link-local address (where cloud metadata services answer), not"
                + " in the allowed ranges []");
  }

  @Test
  void public_addresses_pass() throws Exception {
    for (String outside :
        List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860:4860::8888", "64:ff9b::808:808")) {
      assertThat(strict.refusal(InetAddress.getByName(outside))).as(outside).isEmpty();
    }
  }

  @Test
  void an_allowed_range_lets_in_its_addresses_only() throws Exception {
    AddressPolicy policy =
        AddressPolicy.allowing(List.of("10.1.0.0/16", "fd12:3456::/32", "127.0.0.1"));
    assertThat(policy.refusal(InetAddress.getByName("10.1.2.3"))).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("10.2.0.1"))).isPresent();
    assertThat(policy.refusal(InetAddress.getByName("fd12:3456::1"))).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("fd12:3457::1"))).isPresent();
    assertThat(policy.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("127.0.0.2"))).isPresent();
  }

  @Test
  void a_range_that_is_no_range_is_refused_naming_it_without_any_lookup() {
    for (String bad : List.of("10.0.0.0/33", "example.com", "cafe", "10.0.0.0/x", "", "::/129")) {
      assertThatThrownBy(() -> AddressPolicy.allowing(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
