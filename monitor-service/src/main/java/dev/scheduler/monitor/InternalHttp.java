package dev.scheduler.monitor;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Clients of the other services' APIs inside the cluster (job-service, execution-service), with
 * short timeouts: a slow service delays one read or action of monitor-service, never its consumers.
 */
public final class InternalHttp {

  private InternalHttp() {}

  /**
   * A client of the service at {@code baseUrl}: 2 s to connect, 5 s to answer, each call signed by
   * {@code signing}.
   */
  public static RestClient client(String baseUrl, ClientHttpRequestInterceptor signing) {
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    requests.setReadTimeout(Duration.ofSeconds(5));
    return RestClient.builder()
        .baseUrl(baseUrl)
        .requestFactory(requests)
        .requestInterceptor(signing)
        .build();
  }
}
