package dev.scheduler.monitor.alert;

import dev.scheduler.contracts.Headers;
import dev.scheduler.monitor.InternalHttp;
import dev.scheduler.support.ServiceIdentity;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * What an alert rule may do to a job: pause it, through job-service's API inside the cluster, as
 * the caller {@value #CALLER} (which the job's audit records).
 */
@Component
public class JobControl {

  static final String CALLER = "monitor-service";

  private final RestClient http;

  public JobControl(
      @Value("${scheduler.monitor.job-service-url:http://127.0.0.1:8081}") String url,
      ServiceIdentity identity) {
    this.http = InternalHttp.client(url, identity.forService("job-service"));
  }

  /**
   * Pauses job {@code jobId}.
   *
   * @throws RuntimeException when job-service did not pause it
   */
  public void pause(long jobId, String why) {
    http.post()
        .uri("/api/v1/jobs/{id}/pause", jobId)
        .header(Headers.CALLER, CALLER)
        .header(Headers.CALLER_ROLE, "OPERATOR")
        .retrieve()
        .toBodilessEntity();
  }
}
