-- Schema 7: the review queue's title search by index, without pg_trgm.
-- pg_trgm needs CREATE privilege on the database (and the contrib
-- package) to be installed, and under the C locale of many servers it
-- takes no trigram from Chinese text at all; a search of two characters
-- (the usual one: 平台, 教育) has no whole trigram either way. Instead
-- each queued row keeps the distinct characters and character pairs of
-- its title and unit name (queue_grams), computed by the database as a
-- generated column, in a GIN index: a search of Chinese text or digits
-- asks for the rows holding all its pairs (or its one character), and
-- strpos confirms.
CREATE FUNCTION queue_grams(title text, unit_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
		SELECT substr(s, i, 1) AS g FROM (VALUES (title), (unit_name)) v(s), generate_series(1, char_length(s)) i
		UNION ALL
		SELECT substr(s, i, 2) FROM (VALUES (title), (unit_name)) v(s), generate_series(1, char_length(s) - 1) i
	) x
$$;

ALTER TABLE queue ADD COLUMN grams text[] GENERATED ALWAYS AS (queue_grams(title, unit_name)) STORED;
CREATE INDEX queue_grams_gin ON queue USING gin (grams);
