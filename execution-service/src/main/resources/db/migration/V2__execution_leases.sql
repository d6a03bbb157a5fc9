-- The lease an execution is held under while an agent has it: granted to one node for one attempt
-- (lease_attempt), renewed by the node's heartbeats until lease_until, released by the attempt's
-- outcome or by the node. Another attempt is granted only once no lease is held or it has run out;
-- an attempt whose lease ran out is failed over. lease_token rises with every grant: the fencing
-- token handlers get for their side effects. Times are UTC.
ALTER TABLE scheduler_job_execution ADD COLUMN lease_node VARCHAR(128);
ALTER TABLE scheduler_job_execution ADD COLUMN lease_attempt INT NOT NULL DEFAULT 0;
ALTER TABLE scheduler_job_execution ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scheduler_job_execution ADD COLUMN lease_until DATETIME(3);

-- the lease watch: held leases by when they run out
CREATE INDEX idx_exec_lease_until ON scheduler_job_execution (lease_until);
