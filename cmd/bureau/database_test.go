package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The admin commands work on a PostgreSQL-backed bureau (--database), and
// the records land in the database, not in the data directory.
func TestAdminCommandsOnPostgres(t *testing.T) {
	url := pgtest.DB(t)
	data, db := "--data="+t.TempDir(), "--database="+url
	for _, s := range []struct {
		args []string
		want string
	}{
		{[]string{"unit", "add", data, db, "--name", "城关镇人民政府", "--code", "11341522003064951U"}, "城关镇人民政府"},
		{[]string{"profile", "set", data, db, "huoqiu"}, "profile huoqiu"},
		{[]string{"changes", "prune", data, db, "--older-than", "2400h"}, "pruned 0"},
	} {
		out, err := bureau(t, "", s.args...)
		if err != nil || !strings.Contains(out, s.want) {
			t.Fatalf("bureau %v: %q, %v", s.args, out, err)
		}
	}
	// The environment variable names the database as the flag does.
	t.Setenv(envDatabase, url)
	out, err := bureau(t, "", "unit", "list", data)
	if err != nil || !strings.Contains(out, "11341522003064951U") {
		t.Fatalf("unit list with %s: %q, %v", envDatabase, out, err)
	}
	st, err := pgstore.Open(context.Background(), url, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if us, err := st.Units(context.Background()); err != nil || len(us) != 1 || us[0].Code != "11341522003064951U" {
		t.Fatalf("units in PostgreSQL: %+v, %v", us, err)
	}
	if _, err := bureau(t, "", "unit", "list", data, "--database=mysql://x"); err == nil {
		t.Fatal("a database that is not postgres:// accepted")
	}
}

// bureau migrate moves a stopped Badger bureau into PostgreSQL; the
// bureau then serves the same units from there.
func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := bureau(t, "", "unit", "add", "--data="+dir, "--name", "新店镇人民政府", "--code", "11341522MB1234567F"); err != nil {
		t.Fatal(err)
	}
	url := pgtest.DB(t)
	out, err := bureau(t, "", "migrate", "--from", dir, "--to", url)
	if err != nil || !strings.Contains(out, "1 units") {
		t.Fatalf("migrate: %q, %v", out, err)
	}
	out, err = bureau(t, "", "unit", "list", "--data="+dir, "--database="+url) // the keys stay in the data directory
	if err != nil || !strings.Contains(out, "11341522MB1234567F") {
		t.Fatalf("unit list after migrate: %q, %v", out, err)
	}
	if _, err := bureau(t, "", "migrate", "--from", dir, "--to", url); err == nil {
		t.Fatal("migrated twice into one database")
	}
	if _, err := bureau(t, "", "migrate", "--from", t.TempDir(), "--to", pgtest.DB(t)); err == nil {
		t.Fatal("migrated from a directory with no bureau")
	}
}

// bureau serve --database serves from PostgreSQL, and an admin command
// opens the same database while it serves: no downtime to add a unit.
func TestServeOnPostgres(t *testing.T) {
	url := pgtest.DB(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out, errs bytes.Buffer
	data := t.TempDir()
	go func() {
		done <- run(ctx, []string{"serve", "--data=" + data, "--database=" + url, "--addr=" + addr, "--log-level=warn"},
			strings.NewReader(""), &out, &errs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v (%s)", err, errs.String())
		}
	}()
	var resp *http.Response
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("serve --database never answered: %v (%s)", err, errs.String())
		}
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s", resp.Status)
	}
	if o, err := bureau(t, "", "unit", "add", "--data="+data, "--database="+url, "--name", "城关镇人民政府", "--code", "11341522003064951U"); err != nil {
		t.Fatalf("unit add while serving: %q, %v", o, err)
	}
}

// An admin command reaches a bureau on PostgreSQL only with that bureau's
// data directory, the one with its keys (found following the docs):
//   - with another, it made a new key there and signed a checkpoint of the
//     real trail with it, and audit verify then called the trail broken;
//   - without --database (EGOVDESK_DATABASE set for the service only), it
//     made an empty Badger store beside the bureau's keys and added the
//     unit there, to a bureau nobody serves.
//
// Both are refused, saying what to add, and leave nothing behind.
func TestAdminCommandsKeepToTheBureausDataDirectory(t *testing.T) {
	url := pgtest.DB(t)
	own := t.TempDir()
	db := "--database=" + url
	if out, err := bureau(t, "", "unit", "add", "--data="+own, db, "--name", "城关镇人民政府", "--code", "11341522003064951U"); err != nil {
		t.Fatalf("unit add: %q, %v", out, err)
	}

	other := t.TempDir()
	_, err := bureau(t, "", "unit", "list", "--data="+other, db)
	if err == nil || !strings.Contains(err.Error(), "没有这个数管局的密钥") || !strings.Contains(err.Error(), "--data") {
		t.Errorf("unit list with another data directory: %v", err)
	}
	if left, _ := os.ReadDir(other); len(left) > 1 { // attachments/, made before the store is opened
		t.Errorf("the other data directory got %v", names(left))
	}

	// A stale directory with keys of its own (a demo's on Badger): its
	// audit key did not sign the trail's checkpoints.
	stale := t.TempDir()
	if out, err := bureau(t, "", "unit", "add", "--data="+stale, "--name", "演示镇人民政府", "--code", "11341522MB1234567F"); err != nil {
		t.Fatalf("unit add on Badger: %q, %v", out, err)
	}
	os.RemoveAll(filepath.Join(stale, "badger"))
	_, err = bureau(t, "", "unit", "add", "--data="+stale, db, "--name", "新店镇人民政府", "--code", "11341522MB1234567F")
	if err == nil || !strings.Contains(err.Error(), "不是这个数管局的") || !strings.Contains(err.Error(), "--data") {
		t.Errorf("unit add with a stale data directory: %v", err)
	}

	t.Setenv(envDatabase, "")
	_, err = bureau(t, "", "unit", "add", "--data="+own, "--name", "新店镇人民政府", "--code", "11341522MB1234567F")
	if err == nil || !strings.Contains(err.Error(), "--database") || !strings.Contains(err.Error(), "EGOVDESK_DATABASE") {
		t.Errorf("unit add without --database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(own, "badger")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a Badger store was made in the PostgreSQL bureau's data directory: %v", err)
	}

	out, err := bureau(t, "", "audit", "verify", "--data="+own, db)
	if err != nil || !strings.HasPrefix(out, "OK") {
		t.Errorf("audit verify after the refused commands: %q, %v", out, err)
	}
	out, err = bureau(t, "", "unit", "list", "--data="+own, db)
	if err != nil || !strings.Contains(out, "城关镇") || strings.Contains(out, "新店镇") {
		t.Errorf("units after the refused commands: %q, %v", out, err)
	}
}

func names(es []os.DirEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
