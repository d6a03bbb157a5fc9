-- The fire state of each scheduled job, scanned in batches by the partition passes that Quartz
-- hands out across the cluster. Fire times are epoch milliseconds (UTC).

CREATE TABLE scheduler_job_trigger (
    job_id       BIGINT      NOT NULL,
    -- job_id modulo the configured number of partitions
    partition_no INT         NOT NULL,
    -- WAITING, PAUSED or COMPLETE (no fire left)
    state        VARCHAR(16) NOT NULL,
    next_fire_at BIGINT,
    prev_fire_at BIGINT,
    -- orders fires due at the same moment: higher first
    priority     INT         NOT NULL,
    updated_at   DATETIME(3) NOT NULL,
    PRIMARY KEY (job_id)
);

-- the scan: due triggers of a partition, earliest first
CREATE INDEX idx_job_trigger_due ON scheduler_job_trigger (partition_no, state, next_fire_at);
