-- Job definitions and their change history. Times are UTC with millisecond precision.

CREATE TABLE scheduler_job_definition (
    id                     BIGINT        NOT NULL AUTO_INCREMENT,
    app                    VARCHAR(64)   NOT NULL,
    name                   VARCHAR(128)  NOT NULL,
    description            VARCHAR(1024),
    -- BEAN, HTTP or CUSTOM; job_class names the handler (BEAN) or plugin (CUSTOM)
    job_type               VARCHAR(16)   NOT NULL,
    job_class              VARCHAR(255),
    job_data               TEXT,
    params                 TEXT,
    -- CRON, FIXED_RATE, ONE_TIME or API
    schedule_type          VARCHAR(16)   NOT NULL,
    cron_expression        VARCHAR(120),
    fixed_rate_ms          BIGINT,
    fire_at                DATETIME(3),
    time_zone              VARCHAR(64)   NOT NULL DEFAULT 'UTC',
    start_at               DATETIME(3),
    end_at                 DATETIME(3),
    shard_count            INT           NOT NULL DEFAULT 1,
    shard_parameters       VARCHAR(4096),
    broadcast              BOOLEAN       NOT NULL DEFAULT FALSE,
    priority               INT           NOT NULL DEFAULT 5,
    timeout_ms             BIGINT        NOT NULL,
    retry_max_attempts     INT           NOT NULL DEFAULT 1,
    retry_backoff          VARCHAR(16)   NOT NULL DEFAULT 'FIXED',
    retry_initial_delay_ms BIGINT        NOT NULL DEFAULT 0,
    retry_max_delay_ms     BIGINT        NOT NULL DEFAULT 0,
    -- FIRE_NOW, SKIP or FIRE_ALL (bounded by misfire_fire_all_limit)
    misfire_policy         VARCHAR(16)   NOT NULL DEFAULT 'FIRE_NOW',
    misfire_fire_all_limit INT,
    -- SERIAL, DISCARD_LATER or COVER_EARLY
    block_strategy         VARCHAR(16)   NOT NULL DEFAULT 'SERIAL',
    -- ACTIVE, PAUSED or DELETED (soft delete)
    status                 VARCHAR(16)   NOT NULL,
    owner                  VARCHAR(128),
    alert_contacts         VARCHAR(1024),
    tags                   VARCHAR(512),
    version                BIGINT        NOT NULL DEFAULT 0,
    created_at             DATETIME(3)   NOT NULL,
    created_by             VARCHAR(128),
    updated_at             DATETIME(3)   NOT NULL,
    updated_by             VARCHAR(128),
    deleted_at             DATETIME(3),
    -- 0 while the job lives, its own id once deleted: a name is unique among live jobs of an app
    -- and can be reused after a delete.
    deleted_id             BIGINT        NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    CONSTRAINT uk_job_def_app_name UNIQUE (app, name, deleted_id)
);

CREATE INDEX idx_job_def_status_app ON scheduler_job_definition (status, app);
CREATE INDEX idx_job_def_schedule_type ON scheduler_job_definition (schedule_type, status);

CREATE TABLE scheduler_job_audit (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    job_id       BIGINT       NOT NULL,
    -- CREATED, UPDATED, PAUSED, RESUMED, DELETED, TRIGGERED
    action       VARCHAR(32)  NOT NULL,
    actor        VARCHAR(128) NOT NULL,
    request_id   VARCHAR(64),
    changed_at   DATETIME(3)  NOT NULL,
    -- JSON: the names of the fields that changed
    changes      TEXT,
    -- JSON snapshots of the definition before and after the change
    before_state MEDIUMTEXT,
    after_state  MEDIUMTEXT,
    job_version  BIGINT,
    PRIMARY KEY (id)
);

CREATE INDEX idx_job_audit_job ON scheduler_job_audit (job_id, id);
