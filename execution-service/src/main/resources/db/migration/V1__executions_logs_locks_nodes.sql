-- Executions, their attempts and logs, the lock table of the safety nets and the node registry.
-- Times are UTC with millisecond precision.

CREATE TABLE scheduler_job_execution (
    id               BIGINT        NOT NULL AUTO_INCREMENT,
    -- deterministic: <jobId>-<scheduled epoch ms>-<shard>; every consumer upserts on it
    execution_id     VARCHAR(96)   NOT NULL,
    fire_id          VARCHAR(64)   NOT NULL,
    job_id           BIGINT        NOT NULL,
    app              VARCHAR(64)   NOT NULL,
    job_type         VARCHAR(16),
    handler          VARCHAR(255),
    shard_index      INT           NOT NULL DEFAULT 0,
    shard_total      INT           NOT NULL DEFAULT 1,
    shard_parameter  VARCHAR(1024),
    -- WAITING, RUNNING, RETRYING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, REJECTED
    status           VARCHAR(16)   NOT NULL,
    attempt          INT           NOT NULL DEFAULT 1,
    max_attempts     INT           NOT NULL DEFAULT 1,
    node_id          VARCHAR(128),
    -- SCHEDULE, MANUAL, RETRY or FAILOVER: what made the current attempt run
    trigger_type     VARCHAR(16)   NOT NULL DEFAULT 'SCHEDULE',
    scheduled_at     DATETIME(3)   NOT NULL,
    fired_at         DATETIME(3),
    started_at       DATETIME(3),
    finished_at      DATETIME(3),
    next_retry_at    DATETIME(3),
    timeout_ms       BIGINT,
    result           VARCHAR(4096),
    error            TEXT,
    trace_id         VARCHAR(64),
    -- the fire event as received, so that retries and failover re-send exactly the same work
    fire_event       MEDIUMTEXT,
    log_lines        INT           NOT NULL DEFAULT 0,
    log_bytes        BIGINT        NOT NULL DEFAULT 0,
    log_truncated    BOOLEAN       NOT NULL DEFAULT FALSE,
    duplicate_events INT           NOT NULL DEFAULT 0,
    version          BIGINT        NOT NULL DEFAULT 0,
    created_at       DATETIME(3)   NOT NULL,
    updated_at       DATETIME(3)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_execution_id UNIQUE (execution_id)
);

-- list by job or app over a time range; per-job summaries
CREATE INDEX idx_exec_job_scheduled ON scheduler_job_execution (job_id, scheduled_at);
CREATE INDEX idx_exec_app_scheduled ON scheduler_job_execution (app, scheduled_at);
-- timeout watchdog and retry scan: RUNNING/RETRYING rows by age
CREATE INDEX idx_exec_status_updated ON scheduler_job_execution (status, updated_at);
CREATE INDEX idx_exec_status_retry ON scheduler_job_execution (status, next_retry_at);
-- failover: what a dead node was running
CREATE INDEX idx_exec_node_status ON scheduler_job_execution (node_id, status);
-- retention deletes the oldest first, in small batches
CREATE INDEX idx_exec_created ON scheduler_job_execution (created_at);

CREATE TABLE scheduler_job_execution_attempt (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    execution_id VARCHAR(96)  NOT NULL,
    attempt      INT          NOT NULL,
    trigger_type VARCHAR(16)  NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    node_id      VARCHAR(128),
    fired_at     DATETIME(3),
    started_at   DATETIME(3),
    finished_at  DATETIME(3),
    error        TEXT,
    PRIMARY KEY (id),
    CONSTRAINT uk_exec_attempt UNIQUE (execution_id, attempt)
);

CREATE TABLE scheduler_job_log (
    id           BIGINT        NOT NULL AUTO_INCREMENT,
    execution_id VARCHAR(96)   NOT NULL,
    attempt      INT           NOT NULL DEFAULT 1,
    -- position in the attempt's log: a batch delivered twice is stored once
    seq          BIGINT        NOT NULL,
    logged_at    DATETIME(3)   NOT NULL,
    level        VARCHAR(8)    NOT NULL,
    message      VARCHAR(2048) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_log_line UNIQUE (execution_id, attempt, seq)
);

CREATE INDEX idx_log_logged_at ON scheduler_job_log (logged_at);

-- One row per safety net (retry scan, timeout watchdog, failover, retention): whoever holds a
-- row until lock_until runs that task; the columns follow ShedLock's JDBC provider.
CREATE TABLE scheduler_job_lock (
    name       VARCHAR(64)  NOT NULL,
    lock_until DATETIME(3)  NOT NULL,
    locked_at  DATETIME(3)  NOT NULL,
    locked_by  VARCHAR(255) NOT NULL,
    PRIMARY KEY (name)
);

CREATE TABLE scheduler_node_registry (
    node_id           VARCHAR(128) NOT NULL,
    app               VARCHAR(64)  NOT NULL,
    host              VARCHAR(255),
    port              INT,
    -- ONLINE, SUSPECT or OFFLINE
    state             VARCHAR(16)  NOT NULL,
    capacity          INT          NOT NULL DEFAULT 0,
    running           INT          NOT NULL DEFAULT 0,
    queued            INT          NOT NULL DEFAULT 0,
    cpu_load          DOUBLE,
    heap_used_bytes   BIGINT,
    heap_max_bytes    BIGINT,
    agent_version     VARCHAR(32),
    registered_at     DATETIME(3)  NOT NULL,
    last_heartbeat_at DATETIME(3)  NOT NULL,
    state_changed_at  DATETIME(3)  NOT NULL,
    version           BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id)
);

CREATE INDEX idx_node_app_state ON scheduler_node_registry (app, state);
CREATE INDEX idx_node_state_heartbeat ON scheduler_node_registry (state, last_heartbeat_at);
