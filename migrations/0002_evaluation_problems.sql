-- Stored actuals rows that no longer fit a project's current rules when a run scores them (the targets were
-- re-imported after the upload): each {file, line, field, message}. Those rows count as not reported (未填报).
ALTER TABLE evaluation_results ADD COLUMN problems jsonb NOT NULL DEFAULT '[]';
