package storemigrate

import (
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgstore"
)

// copyAudit copies the security audit trail (badgerstore/audit.go) as it
// is: its records, checkpoints and head.
func copyAudit(txn *badger.Txn, im *pgstore.Importer) error {
	if v, err := value(txn, "m/audithead"); err != nil {
		return err
	} else if v != nil {
		var h bureaustore.AuditHead
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		if err := im.AuditHead(h); err != nil {
			return err
		}
	}
	if err := each(txn, "au/", func(_ string, v []byte) error {
		var e bureaustore.AuditEvent
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("audit record: %w", err)
		}
		return im.AuditRecord(e)
	}); err != nil {
		return err
	}
	return each(txn, "ak/", func(_ string, v []byte) error {
		var c bureaustore.AuditCheckpoint
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("audit checkpoint: %w", err)
		}
		return im.AuditCheckpoint(c)
	})
}
