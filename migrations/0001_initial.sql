-- BudgetEvaluation schema, version 1.
-- Nothing is ever overwritten: rule sets, actuals uploads and their rows, and the audit log are append-only
-- (enforced by triggers below); results are kept per evaluation run.

CREATE TABLE fiscal_years (
    year        integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    -- Open years get the scheduled mid-year and year-end runs.
    is_open     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- 主管部门.
CREATE TABLE departments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A project is one target table's identity: 年度 + 主管部门 + 项目名称. Its content lives in rule_sets.
CREATE TABLE projects (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year           integer NOT NULL REFERENCES fiscal_years (year),
    department_id  bigint NOT NULL REFERENCES departments (id),
    name           text NOT NULL CHECK (name <> ''),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, department_id, name)
);

-- A project's rules file (RulesFile format: project block + mid-year and year-end workflows), one row per version.
-- A re-import that produces the same text adds no version; the current version is the highest.
CREATE TABLE rule_sets (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES projects (id),
    version      integer NOT NULL CHECK (version > 0),
    rules        jsonb NOT NULL,
    -- The exact text the importer wrote; sha256 (lower-case hex) is over its UTF-8 bytes.
    rules_text   text NOT NULL,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    source_file  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    UNIQUE (project_id, version)
);

-- One file of actuals as received: the original bytes and who sent it. An upload with any error is not stored
-- through the API; 'rejected' is for pull sources that keep a bad file on record beside its errors.
CREATE TABLE actuals_uploads (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year          integer NOT NULL REFERENCES fiscal_years (year),
    period        text NOT NULL CHECK (period IN ('mid-year', 'year-end')),
    -- 'upload' (the HTTP API) or the name of a pull source.
    source        text NOT NULL DEFAULT 'upload',
    file_name     text NOT NULL,
    content_type  text,
    content       bytea NOT NULL,
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'rejected')),
    errors        jsonb,
    CHECK ((status = 'rejected') = (errors IS NOT NULL))
);
CREATE INDEX actuals_uploads_year_period ON actuals_uploads (year, period);

-- The parsed rows of an accepted upload, one per indicator (and one 项目资金/执行数 row per project).
CREATE TABLE actual_rows (
    upload_id         bigint NOT NULL REFERENCES actuals_uploads (id),
    line              integer NOT NULL,
    project_id        bigint NOT NULL REFERENCES projects (id),
    -- 一级/二级/三级 as in the rules (Indicator.Path), or 项目资金/执行数 for spending.
    indicator_path    text NOT NULL,
    -- 实际完成值 as written.
    raw_value         text NOT NULL,
    -- 偏差原因分析及改进措施.
    deviation_reason  text,
    -- 偏差原因类型 (mid-year).
    deviation_type    text,
    -- 完成目标可能性 (mid-year).
    likelihood        text,
    PRIMARY KEY (upload_id, line)
);
CREATE INDEX actual_rows_project ON actual_rows (project_id, upload_id);

-- The current actuals of a project for a period: its rows in the latest accepted upload that has any.
CREATE VIEW current_actual_uploads AS
SELECT DISTINCT ON (r.project_id, u.period)
       r.project_id, u.year, u.period, u.id AS upload_id, u.uploaded_at
FROM actual_rows r
JOIN actuals_uploads u ON u.id = r.upload_id
WHERE u.status = 'accepted'
ORDER BY r.project_id, u.period, u.id DESC;

-- A scoring run: one Hangfire job (or a fan-out of them) over a year and period.
CREATE TABLE evaluation_runs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year             integer NOT NULL REFERENCES fiscal_years (year),
    period           text NOT NULL CHECK (period IN ('mid-year', 'year-end')),
    as_of            date NOT NULL,
    scheme           text NOT NULL,
    status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    hangfire_job_id  text,
    error            text
);
CREATE INDEX evaluation_runs_year_period ON evaluation_runs (year, period);

-- One project's result in one run, with the rules version and upload it used. A re-run of the same job
-- replaces its own rows (keyed by run and project); other runs' results stay.
CREATE TABLE evaluation_results (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint NOT NULL REFERENCES evaluation_runs (id),
    project_id   bigint NOT NULL REFERENCES projects (id),
    rule_set_id  bigint NOT NULL REFERENCES rule_sets (id),
    -- Null when the project had no actuals for the period.
    upload_id    bigint REFERENCES actuals_uploads (id),
    -- Self-evaluation total out of 100 and its grade (year-end).
    total        numeric(7, 2),
    grade        text,
    -- Warning level (mid-year).
    warning      text,
    -- The project's result as `budgeteval score --format json` writes it.
    result       jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, project_id)
);

CREATE TABLE indicator_scores (
    result_id       bigint NOT NULL REFERENCES evaluation_results (id) ON DELETE CASCADE,
    -- The indicator's place in its table, to list scores in the table's order.
    position        integer NOT NULL,
    indicator_path  text NOT NULL,
    target          text NOT NULL,
    actual          text,
    points          numeric(7, 2),
    score           numeric(7, 2),
    status          text,
    warning         text,
    explanation     text NOT NULL DEFAULT '',
    PRIMARY KEY (result_id, indicator_path)
);

-- API keys: only the SHA-256 of the key is kept. A department key is bound to one 主管部门.
CREATE TABLE api_keys (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_sha256     text NOT NULL UNIQUE CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
    role           text NOT NULL CHECK (role IN ('finance', 'department', 'auditor')),
    department_id  bigint REFERENCES departments (id),
    name           text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text NOT NULL,
    revoked_at     timestamptz,
    CHECK ((role = 'department') = (department_id IS NOT NULL))
);

-- Every change and every refused request: who, what, when.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    -- 'key:<id>', 'cli:<user>', 'system' or 'anonymous'.
    actor       text NOT NULL,
    role        text,
    department  text,
    action      text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('succeeded', 'rejected', 'unauthenticated', 'forbidden')),
    subject     text,
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '表 % 只能追加，不能修改或删除', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER rule_sets_append_only BEFORE UPDATE OR DELETE ON rule_sets FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER rule_sets_no_truncate BEFORE TRUNCATE ON rule_sets FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER actuals_uploads_append_only BEFORE UPDATE OR DELETE ON actuals_uploads FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER actuals_uploads_no_truncate BEFORE TRUNCATE ON actuals_uploads FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER actual_rows_append_only BEFORE UPDATE OR DELETE ON actual_rows FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER actual_rows_no_truncate BEFORE TRUNCATE ON actual_rows FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
