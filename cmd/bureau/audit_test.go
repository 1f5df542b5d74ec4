package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/jackc/pgx/v5"

	"egovdesk/sync/server"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgtest"
)

// auditSteps leave records in the trail: three admin actions by the
// command line, each one record.
func auditSteps(t *testing.T, flags ...string) {
	t.Helper()
	for _, args := range [][]string{
		{"unit", "add", "--name", "城关镇人民政府", "--code", "11341522003064951U"},
		{"changes", "prune", "--older-than", "2400h"},
		{"profile", "set", "huoqiu"},
	} {
		if out, err := bureau(t, "", append(args, flags...)...); err != nil {
			t.Fatalf("bureau %v: %q, %v", args, out, err)
		}
	}
	out, err := bureau(t, "", append([]string{"audit", "verify"}, flags...)...)
	if err != nil || !strings.HasPrefix(out, "OK: 3 records") {
		t.Fatalf("audit verify of a sound trail: %q, %v", out, err)
	}
}

// verifyNames runs audit verify and wants it to name record 2.
func verifyNames(t *testing.T, flags ...string) {
	t.Helper()
	out, err := bureau(t, "", append([]string{"audit", "verify"}, flags...)...)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out, "BROKEN at record 2 ") {
		t.Fatalf("audit verify of a changed record: %q, %v", out, err)
	}
}

func TestAuditVerifyFindsATamperedBadgerRecord(t *testing.T) {
	dir := t.TempDir()
	data := "--data=" + dir
	auditSteps(t, data)
	if fi, err := os.Stat(filepath.Join(dir, server.AuditKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("checkpoint key: %v, %v", fi, err)
	}
	out, err := bureau(t, "", "audit", "key", data)
	if err != nil || !strings.HasPrefix(out, "ed25519 ") {
		t.Fatalf("audit key: %q, %v", out, err)
	}
	// Change record 2 in Badger itself, as someone with the disk could.
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(dir, "badger")).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	k := binary.BigEndian.AppendUint64([]byte("au/"), 2)
	err = db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		var e bureaustore.AuditEvent
		if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
			return err
		}
		e.Target = "11341522003064951U" // another unit's code
		v, _ := json.Marshal(e)
		return txn.Set(k, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	verifyNames(t, data)
}

func TestAuditVerifyFindsATamperedPostgresRecord(t *testing.T) {
	url := pgtest.DB(t)
	flags := []string{"--data=" + t.TempDir(), "--database=" + url}
	auditSteps(t, flags...)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tag, err := conn.Exec(context.Background(), `UPDATE audit SET record = jsonb_set(record, '{outcome}', '"denied"') WHERE seq = 2`)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("tamper: %v, %v", tag, err)
	}
	verifyNames(t, flags...)
	// A record removed from the middle is named too.
	if _, err := conn.Exec(context.Background(), `DELETE FROM audit WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	verifyNames(t, flags...)
	// And one removed from the head of the trail.
	if _, err := conn.Exec(context.Background(), `DELETE FROM audit WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	out, err := bureau(t, "", append([]string{"audit", "verify"}, flags...)...)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out, "BROKEN at record 1 ") {
		t.Fatalf("audit verify of a trail without its first record: %q, %v", out, err)
	}
}

// bureau migrate carries the trail to PostgreSQL as it is: it verifies
// there, with its checkpoints, and goes on from its head.
func TestAuditSurvivesMigrate(t *testing.T) {
	dir := t.TempDir()
	auditSteps(t, "--data="+dir)
	url := pgtest.DB(t)
	if out, err := bureau(t, "", "migrate", "--from", dir, "--to", url); err != nil {
		t.Fatalf("migrate: %q, %v", out, err)
	}
	flags := []string{"--data=" + dir, "--database=" + url}
	if out, err := bureau(t, "", "unit", "add", "--name", "新店镇人民政府", "--code", "11341522MB1234567F", flags[0], flags[1]); err != nil {
		t.Fatalf("unit add after migrate: %q, %v", out, err)
	}
	out, err := bureau(t, "", "audit", "verify", flags[0], flags[1])
	if err != nil || !strings.HasPrefix(out, "OK: 4 records") || strings.Contains(out, " 0 signed") {
		t.Fatalf("audit verify after migrate: %q, %v", out, err)
	}
}

// TestAuditPruneCommand: audit prune refuses a date less than six months
// back, prunes nothing older than the trail, records both attempts, and the
// trail still verifies.
func TestAuditPruneCommand(t *testing.T) {
	data := "--data=" + t.TempDir()
	auditSteps(t, data)
	out, err := bureau(t, "", "audit", "prune", data, "-before", time.Now().AddDate(0, -5, 0).Format("2006-01-02"))
	if err == nil || !strings.Contains(err.Error(), "至少保存六个月") {
		t.Fatalf("prune of five months: %q, %v", out, err)
	}
	// A date is taken from 00:00 Beijing time, whatever the server's zone
	// (here UTC, as a container's): the console shows Beijing times.
	local := time.Local
	time.Local = time.UTC
	out, err = bureau(t, "", "audit", "prune", data, "-before", "2000-01-01")
	time.Local = local
	if err != nil || !strings.HasPrefix(out, "removed 0 audit records older than 2000-01-01T00:00:00+08:00") {
		t.Fatalf("prune before the trail: %q, %v", out, err)
	}
	out, err = bureau(t, "", "audit", "verify", data)
	if err != nil || !strings.HasPrefix(out, "OK: 5 records") { // the two prunes are records too
		t.Fatalf("verify after: %q, %v", out, err)
	}
	if _, err := bureau(t, "", "audit", "prune", data); err == nil {
		t.Error("prune without -before")
	}
}
