-- The key execution-service signs its own execution events with (those it publishes for its ingest
-- to apply, e.g. MISSED), shared by its replicas: 32 random bytes, hex, made by the first replica
-- that needs it. The ingest takes an event only when signed by an agent's credential or this key.
CREATE TABLE scheduler_service_key (
    id     INT      NOT NULL,
    secret CHAR(64) NOT NULL,
    PRIMARY KEY (id)
);
