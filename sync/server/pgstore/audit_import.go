package pgstore

import (
	"egovdesk/sync/server/bureaustore"
)

func init() {
	importColumns["audit"] = []string{"seq", "at", "actor", "action", "outcome", "record"}
	importColumns["audit_checkpoints"] = []string{"seq", "record"}
}

// AuditRecord keeps a record of the source's security audit trail as it
// is: same sequence, same digests, so the chain and its checkpoints
// verify after the move.
func (im *Importer) AuditRecord(e bureaustore.AuditEvent) error {
	return im.add("audit", int64(e.Seq), e.Time, e.Actor, e.Action, e.Outcome, mustJSON(e))
}

// AuditCheckpoint keeps a signed checkpoint of the source.
func (im *Importer) AuditCheckpoint(c bureaustore.AuditCheckpoint) error {
	return im.add("audit_checkpoints", int64(c.Seq), mustJSON(c))
}

// AuditHead sets the head of the trail, where the next append chains.
func (im *Importer) AuditHead(h bureaustore.AuditHead) error {
	_, err := im.tx.Exec(im.ctx, "UPDATE audit_head SET seq = $1, digest = $2", int64(h.Seq), h.Digest)
	return err
}
