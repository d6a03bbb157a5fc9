-- One row per daily report sent, so that of several replicas only one sends it.
CREATE TABLE scheduler_report_sent (
    report_date DATE        NOT NULL,
    sent_at     DATETIME(3) NOT NULL,
    sent_by     VARCHAR(128),
    PRIMARY KEY (report_date)
);
