package server

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"egovdesk/sync/server/bureaustore"
)

// StorageMarkerFile, in the data directory of a bureau whose store is
// outside it (PostgreSQL), says so. The data directory still holds that
// bureau's keys and attachments, and an admin command given it without
// --database (EGOVDESK_DATABASE set for the service, in bureau.env, but
// not in the admin's shell) made an empty Badger store beside them and
// added the unit there, to a bureau nobody serves.
const StorageMarkerFile = "storage"

const onPostgres = "postgres"

// notOnPostgres refuses to open a Badger store in dir when dir belongs to
// a bureau on PostgreSQL.
func notOnPostgres(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, StorageMarkerFile))
	if err != nil || strings.TrimSpace(string(b)) != onPostgres {
		return nil
	}
	return fmt.Errorf("数据目录 %s 属于数据存放在 PostgreSQL 中的数管局（见其中的 %s 文件）：请加 --database（或设置 EGOVDESK_DATABASE），与 bureau serve 所用的相同；"+
		"命令未执行，也没有在此目录中另建数据。确要改回内置存储（Badger）时，先用 bureau migrate 迁回，再删除该文件", dir, StorageMarkerFile)
}

// bindDataDir ties dir to the external store st: a store that holds a
// bureau already must come with that bureau's data directory, the one with
// its keys. Given another (or none, the default ./bureau-data), an admin
// command made a new receipt and audit key there and signed a checkpoint
// of the real trail with it: audit verify then called the trail broken.
// A store new to it, dir is marked as on PostgreSQL (StorageMarkerFile).
func bindDataDir(ctx context.Context, dir string, st bureaustore.Storage) error {
	_, keyErr := os.Stat(filepath.Join(dir, ReceiptKeyFile))
	if errors.Is(keyErr, os.ErrNotExist) {
		h, err := st.AuditHead(ctx)
		if err != nil {
			return fmt.Errorf("open bureau: %w", err)
		}
		if h.Seq > 0 {
			return fmt.Errorf("数据目录 %s 中没有这个数管局的密钥（%s）：数据库中已有数管局的数据，它的密钥和附件在 bureau serve 所用的 --data 目录中。"+
				"请加上那个 --data；命令未执行，也没有生成新密钥", dir, ReceiptKeyFile)
		}
	}
	if keyErr == nil {
		if err := sameBureau(ctx, dir, st); err != nil {
			return err
		}
	}
	marker := filepath.Join(dir, StorageMarkerFile)
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == onPostgres {
		return nil
	}
	if err := os.WriteFile(marker, []byte(onPostgres+"\n"), 0o640); err != nil {
		return fmt.Errorf("open bureau: %w", err)
	}
	return nil
}

// sameBureau refuses dir when its keys are another bureau's: the newest
// checkpoint of st's audit trail is not signed by dir's audit key. A stale
// directory with keys of its own (a demo's, a test's) passed the check for
// missing keys, and the command then signed the real trail with the wrong
// key. A store without checkpoints yet, or a directory without an audit
// key, is not refused here (the key is made at the first checkpoint).
func sameBureau(ctx context.Context, dir string, st bureaustore.Storage) error {
	if _, err := os.Stat(filepath.Join(dir, AuditKeyFile)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	key, err := LoadAuditKey(dir, false)
	if err != nil {
		return err
	}
	cps, err := st.AuditCheckpoints(ctx)
	if err != nil {
		return fmt.Errorf("open bureau: %w", err)
	}
	if len(cps) == 0 {
		return nil
	}
	last := cps[0]
	for _, c := range cps[1:] {
		if c.Seq > last.Seq || c.Seq == last.Seq && c.Time.After(last.Time) {
			last = c
		}
	}
	if bureaustore.VerifyCheckpoint(key.Public().(ed25519.PublicKey), last) {
		return nil
	}
	return fmt.Errorf("数据目录 %s 中的密钥不是这个数管局的：数据库中最新的安全审计检查点（第 %d 条）不是用其中的 %s 签名的。"+
		"请改用 bureau serve 所用的 --data 目录（它的密钥和附件都在那里）；命令未执行，也没有签名任何记录", dir, last.Seq, AuditKeyFile)
}
