package dev.scheduler.monitor.report;

import jakarta.validation.constraints.NotNull;
import java.time.ZoneId;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The daily report, under {@code scheduler.monitor.report}.
 *
 * @param zone the zone whose calendar days the reports cover
 * @param channelIds where the previous day's report is sent each morning; none sends nothing
 * @param cron when it is sent, in {@code zone}
 */
@Validated
@ConfigurationProperties("scheduler.monitor.report")
public record ReportProperties(
    @DefaultValue("UTC") @NotNull ZoneId zone,
    @DefaultValue List<Long> channelIds,
    @DefaultValue("0 0 8 * * *") String cron) {}
