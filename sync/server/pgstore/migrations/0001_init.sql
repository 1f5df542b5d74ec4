-- The bureau's store on PostgreSQL, schema 1. Records are the JSON the
-- Badger store keeps (see sync/server/db.go), in jsonb beside the columns
-- that are looked up, ordered or filtered on; a revision's body is kept as
-- the bytes received (bytea), whose SHA-256 the receipt holds.

-- m/: the store's epoch (change cursors of another store reset), the rule
-- profile, the versions of derived indexes.
CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);

CREATE TABLE units (
	id          text PRIMARY KEY,
	credit_code text UNIQUE,            -- uc/<code>
	record      jsonb NOT NULL
);

CREATE TABLE accounts (
	id      text PRIMARY KEY,
	login   text NOT NULL UNIQUE,         -- al/<login>
	unit_id text REFERENCES units (id),
	record  jsonb NOT NULL
);

CREATE TABLE tokens (
	hash       text PRIMARY KEY,          -- hex SHA-256 of the token
	account_id text NOT NULL REFERENCES accounts (id),
	record     jsonb NOT NULL
);
CREATE INDEX tokens_account ON tokens (account_id);

CREATE TABLE filings (
	id      text PRIMARY KEY,
	unit_id text NOT NULL REFERENCES units (id),
	updated timestamptz NOT NULL,
	record  jsonb NOT NULL
);
CREATE INDEX filings_unit ON filings (unit_id, updated DESC);

-- One row per revision received. The primary key is the idempotency key of
-- a submission: a resend cannot insert a second row, and the row is written
-- in the transaction that writes the receipt (record) and the feed.
CREATE TABLE revisions (
	filing_id   text NOT NULL REFERENCES filings (id),
	revision_id text NOT NULL,
	unit_id     text NOT NULL REFERENCES units (id),
	body_sha256 text NOT NULL,
	code_id     text NOT NULL,            -- app.CodeID(revision_id): printed verification codes
	body        bytea NOT NULL,
	record      jsonb NOT NULL,
	PRIMARY KEY (filing_id, revision_id)
);
CREATE INDEX revisions_code ON revisions (code_id);

-- A unit's change feed: ordered by seq within the unit, the cursor being
-- the key (unit_id, seq). feeds holds the head (last seq) and the lowest
-- retained seq; the head row's lock orders a unit's appends, so the seqs
-- are gapless and committed in order, and a reader never passes over one
-- still to commit.
CREATE TABLE feeds (
	unit_id text PRIMARY KEY REFERENCES units (id),
	head    bigint NOT NULL DEFAULT 0,
	low     bigint NOT NULL DEFAULT 0
);
CREATE TABLE changes (
	unit_id text NOT NULL,
	seq     bigint NOT NULL,
	at      timestamptz NOT NULL,
	change  jsonb NOT NULL,
	PRIMARY KEY (unit_id, seq)
);

CREATE TABLE uploads (
	unit_id text NOT NULL REFERENCES units (id),
	sha256  text NOT NULL,
	record  jsonb NOT NULL,
	PRIMARY KEY (unit_id, sha256)
);

-- w/: revisions waiting for an attachment of their unit.
CREATE TABLE upload_waits (
	unit_id     text NOT NULL,
	sha256      text NOT NULL,
	filing_id   text NOT NULL,
	revision_id text NOT NULL,
	PRIMARY KEY (unit_id, sha256, filing_id, revision_id)
);

-- The review queue (q/ and its index qx/): one row per filing awaiting
-- review, in the order of the time it reached its step (since_ns,
-- nanoseconds since 1970: the order a reviewer works in and the review
-- time limits run out in), with what the queue shows and filters on.
CREATE TABLE queue (
	filing_id text PRIMARY KEY REFERENCES filings (id),
	since_ns  bigint NOT NULL,
	unit_id   text NOT NULL,
	unit_name text NOT NULL,
	status    text NOT NULL,
	kind      text NOT NULL,
	title     text NOT NULL,
	year      integer NOT NULL,
	total     bigint NOT NULL,
	revision  integer NOT NULL
);
CREATE INDEX queue_since ON queue (since_ns, filing_id);
CREATE INDEX queue_unit ON queue (unit_id, since_ns, filing_id);

-- The similar-projects index: each declaration's fingerprint (with its
-- plan year and total) and the bigrams and clauses it is found by, in an
-- inverted (GIN) index: one row a declaration, whose index entries
-- PostgreSQL adds in bulk (fastupdate), not a hundred B-tree rows each.
CREATE TABLE similar_prints (
	filing_id text PRIMARY KEY REFERENCES filings (id),
	grams     bigint[] NOT NULL,
	record    jsonb NOT NULL
);
CREATE INDEX similar_grams ON similar_prints USING gin (grams);
