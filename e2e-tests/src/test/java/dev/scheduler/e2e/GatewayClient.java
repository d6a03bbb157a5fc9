package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduler.identity.IdentitySigner;
import dev.scheduler.testkit.TestIdentities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The public API as a client calls it: through the gateway, with an API key, JSON both ways; or a
 * service's API at its own port, with an identity signed as the gateway signs them.
 */
final class GatewayClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private final String apiKey;
  private final String service;

  GatewayClient(String baseUrl, String apiKey) {
    this(baseUrl, apiKey, null);
  }

  private GatewayClient(String baseUrl, String apiKey, String service) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.service = service;
  }

  /** {@code service}'s own API at {@code baseUrl}, called as an admin through the gateway would. */
  static GatewayClient service(String baseUrl, String service) {
    return new GatewayClient(baseUrl, "unused", service);
  }

  /** GET {@code path}; fails unless answered 200. */
  JsonNode get(String path) {
    return expect(answer(request(path).GET(), path), path, 200);
  }

  /** POST {@code json} to {@code path}; fails unless answered {@code expectedStatus}. */
  JsonNode post(String path, String json, int expectedStatus) {
    return expect(exchange("POST", path, json), path, expectedStatus);
  }

  /** An answer of any status, its body read as JSON on demand. */
  record Answer(int status, String text) {

    JsonNode body() {
      try {
        return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text, e);
      }
    }
  }

  /** Sends {@code json} (or no body when null) with {@code method}; any status is returned. */
  Answer exchange(String method, String path, String json) {
    return answer(
        request(path)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)),
        path);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .header("X-Api-Key", apiKey);
    if (service != null) {
      request.header(IdentitySigner.HEADER, TestIdentities.sign("key:e2e", "ADMIN", service));
    }
    return request;
  }

  private static JsonNode expect(Answer answer, String path, int expectedStatus) {
    assertThat(answer.status()).as("%s answered %s", path, answer.text()).isEqualTo(expectedStatus);
    return answer.body();
  }

  private static Answer answer(HttpRequest.Builder request, String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(path, e);
    }
  }
}
