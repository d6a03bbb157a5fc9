package dev.scheduler.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Bodies of unannounced length (chunked), as clients stream them and as the gateway forwards a POST
 * that has none: held to the same bound as the others, and read normally within it.
 */
@SpringBootTest(
    classes = ProblemResponsesTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"scheduler.http.max-body-size=1KB", "spring.main.banner-mode=off"})
class ChunkedBodiesTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;

  /** POSTs {@code body} chunked: an input stream has no length the client could announce. */
  private HttpResponse<String> postChunked(String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/things"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_chunked_body_over_the_limit_is_refused() throws Exception {
    HttpResponse<String> response =
        postChunked("{\"name\":\"" + "x".repeat(2_000) + "\",\"size\":1}");
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
  }

  @Test
  void a_chunked_body_within_the_limit_is_read() throws Exception {
    HttpResponse<String> response = postChunked("{\"name\":\"small\",\"size\":1}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  @Test
  void an_empty_chunked_body_reaches_the_endpoint_as_no_body() throws Exception {
    HttpResponse<String> response = postChunked("");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"code\":\"MALFORMED_REQUEST\"");
  }
}
