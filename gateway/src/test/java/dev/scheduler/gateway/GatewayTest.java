package dev.scheduler.gateway;

import dev.scheduler.testkit.RealServers;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway on a random port with the real Redis, in front of one stub that stands for every
 * service (found through simple discovery) and starts each test afresh; callers as in {@link
 * TestGateway}. Test classes add their own properties with {@code @TestPropertySource}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealServers(database = false, rocketmq = false)
public abstract class GatewayTest {

  /** The services behind the gateway. */
  protected static final StubService SERVICE = new StubService();

  @DynamicPropertySource
  static void gatewayProperties(DynamicPropertyRegistry registry) {
    TestGateway.register(registry, SERVICE);
  }

  @Autowired protected WebTestClient http;

  @AfterEach
  void resetService() {
    SERVICE.reset();
  }
}
