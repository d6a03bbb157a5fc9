-- Each app's agent credentials. Only a credential's SHA-256 is kept (credential_sha256, hex): the
-- credential itself is shown once, when it is issued. A revoked credential stays, for the audit.
-- Times are UTC.
CREATE TABLE scheduler_agent_credential (
    id                BIGINT       NOT NULL AUTO_INCREMENT,
    app               VARCHAR(64)  NOT NULL,
    label             VARCHAR(128) NOT NULL,
    credential_sha256 CHAR(64)     NOT NULL,
    created_at        DATETIME(3)  NOT NULL,
    created_by        VARCHAR(128) NOT NULL,
    revoked_at        DATETIME(3),
    revoked_by        VARCHAR(128),
    PRIMARY KEY (id),
    CONSTRAINT uk_agent_credential_sha256 UNIQUE (credential_sha256)
);
CREATE INDEX idx_agent_credential_app ON scheduler_agent_credential (app, id);

-- Agent requests refused for want of a valid credential or of the right app, counted per minute,
-- app, action and reason (a flood of forged requests adds to a count rather than a row each).
CREATE TABLE scheduler_agent_refusal (
    at_minute   DATETIME(3)  NOT NULL,
    app         VARCHAR(64)  NOT NULL,
    action      VARCHAR(32)  NOT NULL,
    reason      VARCHAR(32)  NOT NULL,
    refusals    BIGINT       NOT NULL,
    last_detail VARCHAR(255) NOT NULL,
    PRIMARY KEY (at_minute, app, action, reason)
);
