package dev.scheduler.execution.store;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingest of fire and execution events, under {@code scheduler.execution.ingest}.
 *
 * @param batchSize messages written per transaction, at most; a batch never holds more than one
 *     pull from the broker, so the broker's {@code maxTransferCountOnMessageInMemory} (32 by
 *     default) must be raised to match
 * @param threads consumer threads per topic: each hands one pull's batch to the writers and waits
 *     until it is written, so these bound the batches in flight, which the writers merge into their
 *     transactions; with too few, a steady stream's small batches queue up behind the database's
 *     round trips
 * @param pullInterval how long a consumer waits after each pull of a queue before the next, so that
 *     a pull brings what arrived meanwhile rather than a message or two; recording is that much
 *     later
 * @param writers threads writing to the database, each owning the executions whose id hashes to it
 *     and merging what is queued for it into transactions of up to {@code batchSize}
 * @param maxLogLines log lines kept per execution; later ones are dropped and the execution is
 *     marked truncated
 * @param maxLogChars characters of log kept per execution, likewise
 * @param groupSuffix appended to the consumer group names; replicas sharing a database must share
 *     it (empty by default), deployments with separate databases on one broker must not
 */
@Validated
@ConfigurationProperties("scheduler.execution.ingest")
public record IngestProperties(
    @DefaultValue("512") @Min(1) @Max(1024) int batchSize,
    @DefaultValue("16") @Min(1) @Max(64) int threads,
    @DefaultValue("50ms") Duration pullInterval,
    @DefaultValue("4") @Min(1) @Max(64) int writers,
    @DefaultValue("5000") @Min(1) int maxLogLines,
    @DefaultValue("1000000") @Min(1) long maxLogChars,
    @DefaultValue("") String groupSuffix) {}
