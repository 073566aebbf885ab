-- Scoring runs fan out: one job per 主管部门, then a summary job (issue #5).

-- The bureau-wide summary the last job writes (counts per grade or warning, per department, late departments,
-- projects with missing actuals), and what started the run ('api', 'demo' or the recurring job's id).
ALTER TABLE evaluation_runs ADD COLUMN summary jsonb;
ALTER TABLE evaluation_runs ADD COLUMN trigger text NOT NULL DEFAULT 'api';

-- One department's part of a run. status: queued → pulling → scoring → succeeded; 'retrying' while a source is
-- down or an attempt failed and a retry is scheduled; 'late' when retries for an unreachable source ran out and
-- the projects were scored with the actuals already stored; 'failed' when scoring itself failed for good.
CREATE TABLE run_departments (
    run_id          bigint NOT NULL REFERENCES evaluation_runs (id),
    department_id   bigint NOT NULL REFERENCES departments (id),
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'pulling', 'retrying', 'scoring', 'succeeded', 'late', 'failed')),
    -- How often a job for this department started (a retry or a re-run counts).
    attempts        integer NOT NULL DEFAULT 0,
    -- A source could not be reached at the last pull (shown as late while retrying, and after retries ran out).
    late            boolean NOT NULL DEFAULT false,
    -- The last failure (a source that could not be reached, or the error of the attempt).
    error           text,
    -- Each file the sources brought at the last pull: {source, fileName, outcome, uploadId, errors}.
    pulled_files    jsonb NOT NULL DEFAULT '[]',
    -- Projects that could not be scored: {projectId, project, message}; the others were.
    project_errors  jsonb NOT NULL DEFAULT '[]',
    -- The actuals the department is scored with are the uploads stored up to this time: set once, when its first
    -- pull completed (or retries ran out), so a retried or re-run job scores the same actuals.
    actuals_at      timestamptz,
    hangfire_job_id text,
    started_at      timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (run_id, department_id)
);
