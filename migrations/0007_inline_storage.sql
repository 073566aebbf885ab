-- Rule packs kept in their rows, compressed with lz4 (issue #8). A pack is about 6.6 KB, 2.5 KB compressed: with the
-- default storage PostgreSQL moved each one out to the TOAST table and compressed it with pglz, so a run read every
-- pack through a second index and decompressed it with the slower codec (half of PostgreSQL's work in the first
-- seconds of a 100 000-project run). MAIN keeps the compressed pack in the row unless the row cannot fit a page.
-- Packs are derived data: rewriting them (new storage applies to new values only) changes nothing they hold.
ALTER TABLE rule_packs ALTER COLUMN packed SET STORAGE MAIN, ALTER COLUMN packed SET COMPRESSION lz4;
UPDATE rule_packs SET packed = packed || ''::bytea;

