-- Storing a run's results cheaply (issue #8): PostgreSQL shares the cores with the scoring, and per project it wrote
-- a ~8 KB result converted to jsonb plus 16–31 indicator_scores rows (heap, a text primary key, a foreign-key trigger
-- each) that only repeated what the result holds. Measured with the save benchmark, 10 000 projects:
-- PostgreSQL CPU 5.0 s → 0.85 s, WAL 80 → 28 MiB, 152 → 57 MiB stored (README, Performance).

-- The indicators without an actual, for the run's summary: its own small column, so the summary does not parse every
-- result. Filled for earlier results before the result's type changes.
ALTER TABLE evaluation_results ADD COLUMN missing jsonb NOT NULL DEFAULT '[]';
UPDATE evaluation_results SET missing = coalesce(result -> 'missing', '[]');

-- The result is stored as written (json keeps the text; no SQL reads inside it on a hot path), compressed with lz4,
-- which costs a fraction of the default pglz's CPU.
ALTER TABLE evaluation_results ALTER COLUMN result TYPE json USING result::json;
ALTER TABLE evaluation_results ALTER COLUMN result SET COMPRESSION lz4;

-- The indicator scores are read from the result: the same columns as the table they replace, in the table's order
-- (项目资金 first, position 0, then the result's indicators from position 1).
DROP TABLE indicator_scores;
CREATE VIEW indicator_scores AS
SELECT r.id AS result_id,
       0 AS position,
       '项目资金/执行数' AS indicator_path,
       '全年预算数 ' || (r.result -> 'funds' ->> 'annualBudget') || '万元' AS target,
       r.result -> 'funds' ->> 'spent' AS actual,
       CAST(r.result -> 'funds' ->> 'weight' AS numeric(7, 2)) AS points,
       CAST(r.result -> 'funds' ->> 'score' AS numeric(7, 2)) AS score,
       NULL::text AS status,
       r.result -> 'funds' ->> 'warning' AS warning,
       coalesce(r.result -> 'funds' ->> 'explanation', '') AS explanation
FROM evaluation_results r
UNION ALL
SELECT r.id,
       CAST(i.n AS integer),
       concat_ws('/', i.e ->> 'category', i.e ->> 'subcategory', i.e ->> 'indicator'),
       i.e ->> 'target',
       i.e ->> 'actual',
       CAST(i.e ->> 'weight' AS numeric(7, 2)),
       CAST(i.e ->> 'score' AS numeric(7, 2)),
       i.e ->> 'status',
       i.e ->> 'warning',
       coalesce(i.e ->> 'explanation', '')
FROM evaluation_results r
CROSS JOIN LATERAL json_array_elements(r.result -> 'indicators') WITH ORDINALITY AS i(e, n);
