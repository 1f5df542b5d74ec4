-- Schema 9: the audit trail by operation. The console's list of notices
-- sent, and an auditor's search by operation, read the latest records of
-- one action: without an index on it, a trail of 10⁶ records holding one
-- notice was read whole, backwards (found in review).
CREATE INDEX audit_action_seq ON audit (action, seq);
