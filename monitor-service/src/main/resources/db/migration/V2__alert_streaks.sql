-- What the alert rules need beyond the first schema: the least runs a failure rate is judged on,
-- and each job's run of consecutive final failures (shared by the replicas, so one counter per job).

ALTER TABLE scheduler_alert_rule ADD COLUMN min_runs INT;

CREATE TABLE scheduler_failure_streak (
    job_id            BIGINT      NOT NULL,
    app               VARCHAR(64),
    -- final failures since the last success
    failures          INT         NOT NULL DEFAULT 0,
    last_execution_id VARCHAR(96),
    updated_at        DATETIME(3) NOT NULL,
    PRIMARY KEY (job_id)
);
