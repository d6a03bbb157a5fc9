package dev.scheduler.job.trigger;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the trigger engine, under {@code scheduler.job.trigger}.
 *
 * @param partitions number of partitions the jobs are spread over (by job id); each is scanned by
 *     one replica at a time, so this bounds how many replicas share the firing. May change: rows
 *     are moved to their new partition at start
 * @param passLength how often a partition's pass asks whether its replica still runs no more than
 *     its fair share of the partitions; the pass goes on while it does, and ends (Quartz hands the
 *     partition out again) when it does not
 * @param batchSize due jobs one claim reads
 * @param lookahead how far ahead of their due time a pass claims jobs and works out their fires, so
 *     that at the due time only the sending is left. A job created, resumed or rescheduled less
 *     than this before its next fire may see that fire up to this late
 * @param idlePoll longest wait between two looks at a partition with nothing due, which bounds the
 *     delay of the first fire of a job created meanwhile
 * @param publishTimeout how long a pass waits for the broker to store a batch of fire events
 * @param misfireThreshold a fire later than this is a misfire and follows the job's misfire policy;
 *     a later one within it is fired late. Longer than a replica's failover, so that a replica's
 *     death delays fires without dropping any
 * @param clusterCheckinInterval how often a replica tells the Quartz cluster it lives; the
 *     partitions of a replica silent for longer are handed to another
 * @param instanceId this replica's id in the Quartz cluster; AUTO derives a unique one from the
 *     host name and start time
 * @param clusterName the Quartz scheduler name the replicas share; replicas with the same name and
 *     database form one cluster. One per JVM: Quartz registers its connections by this name
 */
@Validated
@ConfigurationProperties("scheduler.job.trigger")
public record TriggerProperties(
    @DefaultValue("4") @Min(1) @Max(256) int partitions,
    @DefaultValue("10s") Duration passLength,
    @DefaultValue("2000") @Min(1) @Max(10000) int batchSize,
    @DefaultValue("300ms") Duration lookahead,
    @DefaultValue("100ms") Duration idlePoll,
    @DefaultValue("5s") Duration publishTimeout,
    @DefaultValue("60s") Duration misfireThreshold,
    @DefaultValue("2s") Duration clusterCheckinInterval,
    @DefaultValue("AUTO") String instanceId,
    @DefaultValue("scheduler-job") String clusterName) {}
