-- Schema 5: the security audit trail (安全审计), append-only and chained
-- (bureaustore.ChainAudit). audit_head is one row, locked by every append
-- so that appends are serialized.
CREATE TABLE audit (
    seq     bigint PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL,
    outcome text NOT NULL,
    record  jsonb NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE TABLE audit_head (
    one    boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq    bigint NOT NULL,
    digest text NOT NULL
);
INSERT INTO audit_head (seq, digest) VALUES (0, repeat('0', 64));
CREATE TABLE audit_checkpoints (
    seq    bigint PRIMARY KEY,
    record jsonb NOT NULL
);
