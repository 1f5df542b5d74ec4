-- Schema 3: restoring a unit's filings on a new machine reads them in
-- pages in byte order of their IDs (bureaustore.Storage.RestorePage),
-- whatever the database's collation.
CREATE INDEX filings_unit_id ON filings (unit_id, id COLLATE "C");
