package dev.scheduler.support;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the HTTP edge of a service, under {@code scheduler.http}.
 *
 * @param maxBodySize largest request body accepted; larger ones get a 413 problem
 */
@ConfigurationProperties("scheduler.http")
public record ServiceSupportProperties(@DefaultValue("256KB") DataSize maxBodySize) {}
