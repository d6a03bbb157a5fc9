package dev.scheduler.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduler.agent.AgentIdentity;
import dev.scheduler.agent.AgentProperties;
import dev.scheduler.contracts.HeldLease;
import dev.scheduler.contracts.LeaseRenewal;
import dev.scheduler.testkit.TestLeaseAuthority;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** The heartbeat's lease renewals, against a stand-in of execution-service's agent endpoints. */
class HeartbeatsTest {

  @Test
  void every_lease_is_renewed_however_many_in_requests_of_at_most_a_thousand() {
    try (TestLeaseAuthority authority = new TestLeaseAuthority()) {
      Leases leases = new Leases(Ticker.SYSTEM, Duration.ofSeconds(2));
      int held = 2 * LeaseRenewal.MAX_LEASES + 500;
      for (int i = 0; i < held; i++) {
        String executionId = "7-" + (1_000 + i) + "-0";
        authority.granted(executionId, 1, "node-a");
        leases.granted(new HeldLease(executionId, 1), 1, Ticker.SYSTEM.nanos(), Duration.ZERO);
      }
      AgentProperties.Registry registry =
          new AgentProperties.Registry("execution-service", null, "s3cret", Duration.ofSeconds(5));
      Heartbeats heartbeats =
          new Heartbeats(
              new AgentIdentity("billing", "node-a", "127.0.0.1"),
              null,
              Mockito.mock(Runner.class),
              leases,
              new RegistryHttp(() -> List.of(URI.create(authority.url())), registry),
              Ticker.SYSTEM,
              Clock.systemUTC(),
              8090);

      assertThat(heartbeats.beat()).isTrue();

      assertThat(authority.renewals)
          .extracting(r -> r.renew().size())
          .containsExactly(LeaseRenewal.MAX_LEASES, LeaseRenewal.MAX_LEASES, 500);
      // granted with no time left, they are valid again only because every one was renewed
      leases.sweep();
      assertThat(leases.toRenew()).hasSize(held);
    }
  }
}
