-- Schema 6: the review queue's counts by kind and status, kept by
-- triggers beside the queue (as Badger keeps its qc/k/<kind>/<status>
-- counters in the queue index's transactions), so a page of the queue
-- reads at most a few hundred counter rows instead of counting every
-- queued filing: 10⁶ queued cost a count over the whole table on every
-- page.
--
-- Each kind and status has up to 64 rows (shard): a transaction adds to
-- the row of its backend's shard, so concurrent writers on other
-- connections do not wait for one counter row. Statement-level triggers
-- with transition tables add a statement's rows at once, in the order of
-- the counters' keys.
CREATE TABLE queue_counts (
	kind   text NOT NULL,
	status text NOT NULL,
	shard  integer NOT NULL,
	n      bigint NOT NULL,
	PRIMARY KEY (kind, status, shard)
);

CREATE FUNCTION queue_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO queue_counts (kind, status, shard, n)
		SELECT kind, status, pg_backend_pid() % 64, count(*) FROM new_rows GROUP BY kind, status ORDER BY kind, status
		ON CONFLICT (kind, status, shard) DO UPDATE SET n = queue_counts.n + excluded.n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO queue_counts (kind, status, shard, n)
		SELECT kind, status, pg_backend_pid() % 64, -count(*) FROM old_rows GROUP BY kind, status ORDER BY kind, status
		ON CONFLICT (kind, status, shard) DO UPDATE SET n = queue_counts.n + excluded.n;
	ELSE -- UPDATE: only rows whose kind or status changed move
		INSERT INTO queue_counts (kind, status, shard, n)
		SELECT kind, status, pg_backend_pid() % 64, sum(d) FROM (
			SELECT o.kind, o.status, -1 AS d FROM old_rows o JOIN new_rows n USING (filing_id)
				WHERE (o.kind, o.status) IS DISTINCT FROM (n.kind, n.status)
			UNION ALL
			SELECT n.kind, n.status, 1 FROM old_rows o JOIN new_rows n USING (filing_id)
				WHERE (o.kind, o.status) IS DISTINCT FROM (n.kind, n.status)) x
		GROUP BY kind, status ORDER BY kind, status
		ON CONFLICT (kind, status, shard) DO UPDATE SET n = queue_counts.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER queue_counts_insert AFTER INSERT ON queue
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_count_add();
CREATE TRIGGER queue_counts_delete AFTER DELETE ON queue
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_count_add();
CREATE TRIGGER queue_counts_update AFTER UPDATE ON queue
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_count_add();

-- A TRUNCATE of the queue (none in the bureau; a restore by hand) empties
-- the counts with it.
CREATE FUNCTION queue_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM queue_counts;
	RETURN NULL;
END
$$;
CREATE TRIGGER queue_counts_truncate AFTER TRUNCATE ON queue
	FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_clear();

INSERT INTO queue_counts (kind, status, shard, n)
SELECT kind, status, 0, count(*) FROM queue GROUP BY kind, status;
