package dev.scheduler.execution.store;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingest of fire and execution events, under {@code scheduler.execution.ingest}.
 *
 * @param batchSize messages written per transaction, at most; a batch never holds more than one
 *     pull from the broker, so the broker's {@code maxTransferCountOnMessageInMemory} (32 by
 *     default) must be raised to match
 * @param threads consumer threads per topic: they hand their batches to the writers and wait
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
    @DefaultValue("2") @Min(1) @Max(64) int threads,
    @DefaultValue("4") @Min(1) @Max(64) int writers,
    @DefaultValue("5000") @Min(1) int maxLogLines,
    @DefaultValue("1000000") @Min(1) long maxLogChars,
    @DefaultValue("") String groupSuffix) {}
