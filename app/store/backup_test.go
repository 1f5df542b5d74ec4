package store

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBackupRestore: a backup taken while a clerk keeps typing restores into
// an empty directory as a consistent store (Check passes) holding every
// filing saved before the backup began, with its submitted revisions.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	st := MustOpen(t)
	var ids []string
	for i := range 50 {
		f := newDeclaration(t, "城关镇智慧社区平台（"+string(rune('一'+i%9))+"期）", 2027)
		mustSave(t, st, f)
		ids = append(ids, f.ID)
	}
	sub := mustSubmit(t, st, "城关镇数字乡村服务平台")
	ids = append(ids, sub.FilingID)

	// Heavy autosaving meanwhile.
	var stop atomic.Bool
	var wg sync.WaitGroup
	typing := newDeclaration(t, "正在输入", 2027)
	mustSave(t, st, typing)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; !stop.Load(); n++ {
			typing.Declaration.Goals += "字"
			if err := st.Save(ctx, typing); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	time.Sleep(20 * time.Millisecond)
	var buf bytes.Buffer
	if err := st.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()

	dir := t.TempDir() + "/restored"
	if err := Restore(dir, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	back := mustOpenDir(t, dir)
	if err := back.Check(ctx); err != nil {
		t.Fatalf("the restored store is not consistent: %v", err)
	}
	for _, id := range ids {
		want, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.Get(ctx, id)
		if err != nil {
			t.Fatalf("filing %s not restored: %v", id, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("filing %s restored as %+v, want %+v", id, got, want)
		}
	}
	revs, err := back.Revisions(ctx, sub.FilingID)
	if err != nil || len(revs) != 1 {
		t.Errorf("submitted revisions restored: %+v, %v", revs, err)
	}
	out, err := back.Outbox(ctx)
	if err != nil || len(out) != 1 || out[0].FilingID != sub.FilingID {
		t.Errorf("outbox restored: %+v, %v", out, err)
	}
	// The draft being typed is there as one of its saves: a prefix of the
	// final text, never a mix.
	if g, err := back.Get(ctx, typing.ID); err != nil || !strings.HasPrefix(typing.Declaration.Goals, g.Declaration.Goals) {
		t.Errorf("the draft being typed: %v", err)
	}

	if err := Restore(dir, bytes.NewReader(buf.Bytes())); err == nil {
		t.Error("restored over an existing store")
	}
}
