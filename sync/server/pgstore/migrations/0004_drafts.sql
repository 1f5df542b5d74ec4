-- Drafts kept for units (bureaustore.Storage's block "Drafts kept for
-- units"): a private copy of each unit's unsent drafts, read and written
-- by the unit's own accounts only. Nothing else refers to them: they are
-- in no queue, index or feed. The Badger store keeps them at dr/<unit>/<draft>.
CREATE TABLE unit_drafts (
	unit_id  text NOT NULL,
	draft_id text COLLATE "C" NOT NULL,  -- pages in byte order, as Badger's keys
	version  bigint NOT NULL,            -- 1 for the first copy, +1 for each put
	sha256   text NOT NULL,              -- of body, as the client computed it
	updated  timestamptz NOT NULL,
	body     bytea NOT NULL,             -- the client's document, opaque
	PRIMARY KEY (unit_id, draft_id)
);
