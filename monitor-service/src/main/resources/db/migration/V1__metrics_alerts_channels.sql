-- Metric rollups, alert rules, notification channels and alerts. Times are UTC with millisecond
-- precision.

CREATE TABLE scheduler_metrics (
    id                BIGINT      NOT NULL AUTO_INCREMENT,
    -- start of the minute the row covers
    bucket_start      DATETIME(3) NOT NULL,
    -- PLATFORM (subject '*'), APP (subject = app), JOB (subject = job id), NODE (subject = node id)
    scope             VARCHAR(16) NOT NULL,
    subject           VARCHAR(128) NOT NULL,
    app               VARCHAR(64),
    job_id            BIGINT,
    runs              BIGINT      NOT NULL DEFAULT 0,
    succeeded         BIGINT      NOT NULL DEFAULT 0,
    failed            BIGINT      NOT NULL DEFAULT 0,
    timed_out         BIGINT      NOT NULL DEFAULT 0,
    cancelled         BIGINT      NOT NULL DEFAULT 0,
    retries           BIGINT      NOT NULL DEFAULT 0,
    duplicates        BIGINT      NOT NULL DEFAULT 0,
    duration_p50_ms   BIGINT,
    duration_p95_ms   BIGINT,
    duration_max_ms   BIGINT,
    fire_delay_p50_ms BIGINT,
    fire_delay_p95_ms BIGINT,
    -- NODE rows: the load the node reported in that minute
    cpu_load          DOUBLE,
    heap_used_bytes   BIGINT,
    running           INT,
    capacity          INT,
    updated_at        DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_metrics_bucket UNIQUE (scope, subject, bucket_start)
);

CREATE INDEX idx_metrics_bucket_start ON scheduler_metrics (bucket_start);

CREATE TABLE scheduler_notification_channel (
    id                    BIGINT       NOT NULL AUTO_INCREMENT,
    name                  VARCHAR(128) NOT NULL,
    -- WEBHOOK, DINGTALK, FEISHU, WECOM, SLACK or EMAIL
    channel_type          VARCHAR(16)  NOT NULL,
    -- JSON settings of the channel type (URL, secret, recipients ...)
    config                TEXT         NOT NULL,
    enabled               BOOLEAN      NOT NULL DEFAULT TRUE,
    rate_limit_per_minute INT          NOT NULL DEFAULT 30,
    version               BIGINT       NOT NULL DEFAULT 0,
    created_at            DATETIME(3)  NOT NULL,
    updated_at            DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_channel_name UNIQUE (name)
);

CREATE TABLE scheduler_alert_rule (
    id                BIGINT       NOT NULL AUTO_INCREMENT,
    name              VARCHAR(128) NOT NULL,
    description       VARCHAR(1024),
    -- EXECUTION_FAILED, CONSECUTIVE_FAILURES, FAILURE_RATE, TIMEOUT, FIRE_DELAY, NODE_OFFLINE,
    -- NO_LIVE_AGENT or DEAD_LETTER
    rule_type         VARCHAR(32)  NOT NULL,
    -- INFO, WARNING or CRITICAL
    severity          VARCHAR(16)  NOT NULL,
    -- ALL, APP or JOB; scope_value names the app or the job id
    scope_type        VARCHAR(8)   NOT NULL DEFAULT 'ALL',
    scope_value       VARCHAR(128),
    threshold         DOUBLE,
    window_ms         BIGINT,
    consecutive_count INT,
    silence_ms        BIGINT       NOT NULL DEFAULT 0,
    -- JSON array of channel ids
    channel_ids       VARCHAR(512),
    notify_owner      BOOLEAN      NOT NULL DEFAULT FALSE,
    auto_pause        BOOLEAN      NOT NULL DEFAULT FALSE,
    auto_pause_after  INT,
    enabled           BOOLEAN      NOT NULL DEFAULT TRUE,
    version           BIGINT       NOT NULL DEFAULT 0,
    created_at        DATETIME(3)  NOT NULL,
    created_by        VARCHAR(128),
    updated_at        DATETIME(3)  NOT NULL,
    updated_by        VARCHAR(128),
    PRIMARY KEY (id),
    CONSTRAINT uk_alert_rule_name UNIQUE (name)
);

CREATE TABLE scheduler_alert (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    rule_id          BIGINT       NOT NULL,
    -- what the alert is about, e.g. job:42, app:billing, node:billing-7f9c
    subject_key      VARCHAR(191) NOT NULL,
    app              VARCHAR(64),
    job_id           BIGINT,
    node_id          VARCHAR(128),
    execution_id     VARCHAR(96),
    severity         VARCHAR(16)  NOT NULL,
    -- FIRING, ACKNOWLEDGED or RESOLVED
    status           VARCHAR(16)  NOT NULL,
    title            VARCHAR(255) NOT NULL,
    message          TEXT,
    occurrences      INT          NOT NULL DEFAULT 1,
    first_fired_at   DATETIME(3)  NOT NULL,
    last_fired_at    DATETIME(3)  NOT NULL,
    last_notified_at DATETIME(3),
    acknowledged_at  DATETIME(3),
    acknowledged_by  VARCHAR(128),
    resolved_at      DATETIME(3),
    resolved_by      VARCHAR(128),
    action_taken     VARCHAR(512),
    -- '<rule_id>:<subject_key>' while not resolved, NULL after: at most one open alert per rule
    -- and subject, enforced by the database
    open_key         VARCHAR(255),
    version          BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    CONSTRAINT uk_alert_open UNIQUE (open_key)
);

CREATE INDEX idx_alert_status_fired ON scheduler_alert (status, last_fired_at);
CREATE INDEX idx_alert_rule_subject ON scheduler_alert (rule_id, subject_key);

-- Every step of every alert: fired, repeated, notified, acknowledged, auto-handled, resolved.
CREATE TABLE scheduler_alert_event (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    alert_id    BIGINT       NOT NULL,
    occurred_at DATETIME(3)  NOT NULL,
    -- FIRED, REPEATED, NOTIFIED, NOTIFY_FAILED, ACKNOWLEDGED, ACTION, RESOLVED
    event_type  VARCHAR(16)  NOT NULL,
    from_status VARCHAR(16),
    to_status   VARCHAR(16),
    actor       VARCHAR(128),
    note        VARCHAR(1024),
    PRIMARY KEY (id)
);

CREATE INDEX idx_alert_event_alert ON scheduler_alert_event (alert_id, id);
