-- Schema 8: a project's filings by index. The project's page read every
-- filing of the unit (1 s and 140 MB a call at 61,000, found from
-- outside); ProjectFilings now reads the declaration and the unit's
-- filings that name it.
CREATE INDEX filings_project ON filings (unit_id, (record->'filing'->>'project_id'))
	WHERE record->'filing'->>'project_id' <> '';

-- And a printed verification code's revisions by its three parts: a unit
-- that planted thousands of revisions under one code's ID (client-chosen
-- IDs) made that code's check read them all.
CREATE INDEX revisions_printed_code ON revisions (code_id, ((record->'receipt'->>'revision')::int), left(body_sha256, 12));
