-- Rules files packed for loading (Core's RulesPack): the same target table and workflows as rule_sets.rules_text,
-- in a compact binary form that a year-end run reads about ten times faster than the JSON (issue #8).
-- Derived data, kept beside the append-only rule_sets rather than in them: rules_text stays the source of truth, a
-- rule set without a pack here (or with a pack of another format version) is read from its text, and the service
-- packs such rule sets at start (RulePacks), replacing older formats.
CREATE TABLE rule_packs (
    rule_set_id  bigint PRIMARY KEY REFERENCES rule_sets (id),
    packed       bytea NOT NULL
);
