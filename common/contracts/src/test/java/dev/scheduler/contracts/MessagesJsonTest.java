package dev.scheduler.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessagesJsonTest {

  private static final Instant DUE = Instant.parse("2026-03-29T01:00:00.123Z");

  static FireEvent fire() {
    String fireId = Ids.fireId(42, DUE);
    return new FireEvent(
        Contracts.SCHEMA_VERSION,
        42,
        fireId,
        Ids.executionId(fireId, 1),
        "billing",
        JobType.BEAN,
        "invoiceJob",
        null,
        "{\"region\":\"eu\"}",
        1,
        3,
        "shanghai",
        DUE,
        DUE.plusMillis(7),
        Duration.ofSeconds(30),
        2,
        new RetryPolicy(
            3, RetryPolicy.Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofSeconds(30)),
        BlockStrategy.DISCARD_LATER,
        "trace-1");
  }

  static Stream<Object> messages() {
    FireEvent fire = fire();
    Instant at = DUE.plusSeconds(1);
    return Stream.of(
        fire,
        ExecutionEvent.of(ExecutionEventType.STARTED, fire, "node-a", at),
        ExecutionEvent.of(ExecutionEventType.SUCCEEDED, fire, "node-a", at).withResult("42 rows"),
        ExecutionEvent.of(ExecutionEventType.FAILED, fire, "node-a", at).withError("boom"),
        ExecutionEvent.of(ExecutionEventType.SUCCEEDED, fire, "node-a", at.plusMillis(3))
            .withTiming(fire.scheduledTime(), at)
            .withLogLines(List.of(new LogLine(1, at, "INFO", "done")))
            .withStartIncluded(),
        ExecutionEvent.of(ExecutionEventType.LOG, fire, "node-a", at)
            .withLogLines(
                List.of(new LogLine(0, at, "INFO", "first"), new LogLine(1, at, "WARN", "second"))),
        new Heartbeat(
            1,
            "node-a",
            "billing",
            "10.1.2.3",
            8080,
            16,
            3,
            1,
            0.25,
            1 << 20,
            1 << 28,
            "0.1.0",
            at),
        new NodeStateChanged(1, "node-a", "billing", NodeState.ONLINE, NodeState.SUSPECT, at),
        new ControlCommand(
            1,
            ControlCommand.Type.CANCEL,
            fire.executionId(),
            2,
            "billing",
            "node-a",
            "alice",
            "stuck",
            at));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void every_message_reads_back_equal_to_what_was_written(Object message) {
    byte[] json = Json.toBytes(message);

    Object read = Json.fromBytes(json, message.getClass());

    assertThat(read).isEqualTo(message);
  }

  /** The bodies of the agents' HTTP calls that are not broker messages. */
  static Stream<Object> agentBodies() {
    FireEvent fire = fire();
    return Stream.of(
        new LeaseRenewalReply(Duration.ofSeconds(8), List.of(new HeldLease(fire.executionId(), 1))),
        new LeaseRenewal(
            "node-a",
            "billing",
            List.of(new HeldLease(fire.executionId(), 1)),
            List.of(new HeldLease(fire.executionId() + "x", 2))),
        new LeaseClaims("node-a", "billing", List.of(LeaseClaims.Claim.of(fire))),
        new LeaseGrants(
            Duration.ofSeconds(8),
            List.of(
                new LeaseGrants.Grant(
                    fire.executionId(), 1, LeaseGrants.Verdict.GRANTED, 3, null, null),
                new LeaseGrants.Grant(
                    fire.executionId(),
                    2,
                    LeaseGrants.Verdict.BUSY,
                    0,
                    Duration.ofMillis(2500),
                    "held by node-b"))));
  }

  @ParameterizedTest
  @MethodSource("agentBodies")
  void every_agent_body_reads_back_equal_to_what_was_written(Object body) {
    assertThat(Json.fromBytes(Json.toBytes(body), body.getClass())).isEqualTo(body);
  }

  @Test
  void a_verdict_from_a_newer_execution_service_reads_as_unknown() {
    String json =
        "{\"leaseTtl\":\"PT8S\",\"grants\":[{\"executionId\":\"1-2-0\",\"attempt\":1,"
            + "\"verdict\":\"POSTPONED\",\"token\":0}]}";

    LeaseGrants grants = Json.fromJson(json, LeaseGrants.class);

    assertThat(grants.grants().get(0).verdict()).isEqualTo(LeaseGrants.Verdict.UNKNOWN);
    assertThat(grants.grants().get(0).retryAfter()).isZero();
  }

  @ParameterizedTest
  @MethodSource("messages")
  void every_message_carries_its_schema_version(Object message) throws Exception {
    var tree = Json.mapper().readTree(Json.toBytes(message));

    assertThat(tree.get("schemaVersion").asInt()).isEqualTo(Contracts.SCHEMA_VERSION);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void a_reader_ignores_fields_added_by_a_newer_writer(Object message) throws Exception {
    ObjectNode tree = (ObjectNode) Json.mapper().readTree(Json.toBytes(message));
    tree.put("schemaVersion", 7);
    tree.put("addedInVersionSeven", "whatever");
    tree.putObject("nestedAddition").put("x", 1);

    Object read = Json.fromJson(tree.toString(), message.getClass());

    assertThat(read).usingRecursiveComparison().ignoringFields("schemaVersion").isEqualTo(message);
  }

  @Test
  void times_are_written_as_utc_iso_instants_with_milliseconds() {
    String json = Json.toJson(fire());

    assertThat(json)
        .contains("\"scheduledTime\":\"2026-03-29T01:00:00.123Z\"")
        .contains("\"timeout\":\"PT30S\"");
  }

  @Test
  void an_outcome_of_a_writer_that_always_sends_started_does_not_include_the_start() {
    String json =
        Json.toJson(ExecutionEvent.of(ExecutionEventType.SUCCEEDED, fire(), "n", DUE))
            .replace(",\"startIncluded\":false", "");

    ExecutionEvent read = Json.fromJson(json, ExecutionEvent.class);

    assertThat(json).doesNotContain("startIncluded");
    assertThat(read.startIncluded()).isFalse();
  }

  @Test
  void an_event_type_unknown_to_this_reader_reads_as_null_instead_of_failing() {
    String json =
        Json.toJson(ExecutionEvent.of(ExecutionEventType.STARTED, fire(), "n", DUE))
            .replace("\"STARTED\"", "\"PAUSED_BY_FUTURE_VERSION\"");

    ExecutionEvent read = Json.fromJson(json, ExecutionEvent.class);

    assertThat(read.type()).isNull();
    assertThat(read.executionId()).isEqualTo(fire().executionId());
  }

  @Test
  void an_outcome_tells_its_timing_and_whether_the_retry_policy_has_attempts_left() {
    FireEvent fire = fire().nextAttempt(1, DUE); // the fixture's policy: 3 attempts
    Instant started = DUE.plusSeconds(2);
    ExecutionEvent failed =
        ExecutionEvent.of(ExecutionEventType.FAILED, fire, "n", DUE.plusSeconds(5))
            .withTiming(fire.scheduledTime(), started);

    ExecutionEvent read = Json.fromJson(Json.toJson(failed), ExecutionEvent.class);

    assertThat(read.scheduledTime()).isEqualTo(fire.scheduledTime());
    assertThat(read.startedTime()).isEqualTo(started);
    assertThat(read.maxAttempts()).isEqualTo(fire.retryPolicy().maxAttempts());
    assertThat(read.lastAttemptEnded()).isFalse();
    ExecutionEvent lastFailed =
        ExecutionEvent.of(
            ExecutionEventType.FAILED,
            fire().nextAttempt(fire.retryPolicy().maxAttempts(), DUE),
            "n",
            DUE);
    assertThat(lastFailed.lastAttemptEnded()).isTrue();
    assertThat(ExecutionEvent.of(ExecutionEventType.SUCCEEDED, fire, "n", DUE).lastAttemptEnded())
        .isTrue();
    assertThat(ExecutionEvent.of(ExecutionEventType.STARTED, fire, "n", DUE).lastAttemptEnded())
        .isFalse();
  }

  @Test
  void an_older_execution_event_without_timing_or_attempts_reads_as_unknown() {
    String older =
        "{\"type\":\"FAILED\",\"executionId\":\"1-5-0\",\"attempt\":1,"
            + "\"time\":\"1970-01-01T00:00:00.005Z\"}";

    ExecutionEvent read = Json.fromJson(older, ExecutionEvent.class);

    assertThat(read.scheduledTime()).isNull();
    assertThat(read.startedTime()).isNull();
    assertThat(read.maxAttempts()).isZero();
    assertThat(read.lastAttemptEnded()).as("unknown policy: taken as the last").isTrue();
  }

  @Test
  void an_older_fire_event_without_retry_policy_and_attempt_gets_safe_defaults() {
    String minimal =
        "{\"jobId\":1,\"fireId\":\"1-5\",\"executionId\":\"1-5-0\",\"app\":\"a\","
            + "\"scheduledTime\":\"1970-01-01T00:00:00.005Z\"}";

    FireEvent read = Json.fromJson(minimal, FireEvent.class);

    assertThat(read.attempt()).isEqualTo(1);
    assertThat(read.shardTotal()).isEqualTo(1);
    assertThat(read.retryPolicy()).isEqualTo(RetryPolicy.NONE);
    assertThat(read.blockStrategy()).isEqualTo(BlockStrategy.SERIAL);
    assertThat(read.schemaVersion()).isEqualTo(Contracts.SCHEMA_VERSION);
    assertThat(read.manual()).as("an older writer's fire is a scheduled one").isFalse();
  }

  @Test
  void a_manual_fire_says_so_and_keeps_it_into_its_retries() {
    FireEvent manual = Json.fromJson(Json.toJson(fire().manually()), FireEvent.class);

    assertThat(manual.manual()).isTrue();
    assertThat(manual.nextAttempt(2, DUE).manual()).isTrue();
    assertThat(fire().manual()).isFalse();
  }

  @Test
  void bytes_that_are_not_the_message_fail_with_a_malformed_message_error() {
    byte[] garbage = "{\"jobId\":\"not a number\"".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.fromBytes(garbage, FireEvent.class))
        .isInstanceOf(Json.MalformedMessageException.class)
        .hasMessageContaining("FireEvent");
  }

  @Test
  void a_message_missing_its_execution_id_is_malformed() {
    String noId = "{\"type\":\"STARTED\",\"time\":\"2026-01-01T00:00:00Z\"}";

    assertThatThrownBy(() -> Json.fromJson(noId, ExecutionEvent.class))
        .isInstanceOf(Json.MalformedMessageException.class);
  }
}
