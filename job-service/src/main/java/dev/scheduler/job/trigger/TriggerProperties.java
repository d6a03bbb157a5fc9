package dev.scheduler.job.trigger;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the Quartz trigger engine, under {@code scheduler.job.trigger}.
 *
 * @param partitions number of clustered Quartz schedulers the jobs are spread over (by job id);
 *     each has its own lock domain. Must be the same on every replica and must not change while
 *     jobs exist
 * @param threadsPerPartition worker threads of each scheduler
 * @param batchSize triggers one scheduler acquires per round trip
 * @param fireAheadWindow how far ahead of their due time triggers may be acquired
 * @param misfireThreshold a fire later than this is a misfire and follows the job's misfire policy
 * @param clusterCheckinInterval how often a replica tells the cluster it lives; a replica silent
 *     for longer has its in-flight fires recovered by another
 * @param instanceId this replica's id in the Quartz cluster; AUTO derives a unique one from the
 *     host name and start time
 */
@Validated
@ConfigurationProperties("scheduler.job.trigger")
public record TriggerProperties(
    @DefaultValue("4") @Min(1) @Max(64) int partitions,
    @DefaultValue("4") @Min(1) @Max(64) int threadsPerPartition,
    @DefaultValue("16") @Min(1) @Max(1000) int batchSize,
    @DefaultValue("0ms") Duration fireAheadWindow,
    @DefaultValue("5s") Duration misfireThreshold,
    @DefaultValue("5s") Duration clusterCheckinInterval,
    @DefaultValue("AUTO") String instanceId) {}
