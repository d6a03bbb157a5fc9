-- Substring search of names and tags: every run of four characters of a live job's name and tags,
-- folded to lower case without accents, as a 64-bit hash. Filled for jobs stored before this table
-- existed when job-service starts.

CREATE TABLE scheduler_job_search_gram (
    gram   BIGINT NOT NULL,
    job_id BIGINT NOT NULL,
    PRIMARY KEY (gram, job_id)
);

CREATE INDEX idx_job_search_gram_job ON scheduler_job_search_gram (job_id);
