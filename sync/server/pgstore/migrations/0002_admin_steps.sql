-- Schema 2: the console's admin pages and the review steps.

-- The register of existing information systems (已建系统登记): one row a
-- system, under an ID of bureaustore.RegisteredPrefix; when, by whom and
-- from which workbook it was replaced is meta 'register'. Each system is
-- an entry of the similar-projects index beside the declarations, under
-- its ID in place of a filing's, so that index no longer refers to
-- filings alone.
CREATE TABLE register (
	id     text PRIMARY KEY,
	record jsonb NOT NULL
);
ALTER TABLE similar_prints DROP CONSTRAINT similar_prints_filing_id_fkey;

-- The departments that concurred at the joint step a queued filing waits
-- at (app.Concurred), for the queue's Waiting filter. Stores of schema 1
-- had no review steps, so no filing has concurrences yet.
ALTER TABLE queue ADD COLUMN concurred text[] NOT NULL DEFAULT '{}';
