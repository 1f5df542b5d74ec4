package ui

import (
	"context"
	"fmt"
	"github.com/google/uuid"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"egovdesk/app"
)

// fullDisk is a store whose saves fail as on a full disk until freed.
type fullDisk struct {
	*memStore
	full     atomic.Bool
	noRescue atomic.Bool // Rescue fails too
}

func (s *fullDisk) Rescue(f *app.Filing) error {
	if s.noRescue.Load() {
		return app.Errorf(app.EUNAVAILABLE, "本机磁盘已满")
	}
	return s.memStore.Rescue(f)
}

func newFullDisk() *fullDisk {
	d := &fullDisk{memStore: newMemStore()}
	d.full.Store(true)
	return d
}

func (s *fullDisk) Save(ctx context.Context, f *app.Filing) error {
	if s.full.Load() {
		return app.DiskFull(app.Errorf(app.EUNAVAILABLE, "本机磁盘空间不足")) // as the store's guardDisk
	}
	return s.memStore.Save(ctx, f)
}

// TestSaverKeepsAnEditTheDiskRefused: an edit the store refused for want
// of space stays queued, so the next flush (the next edit, or closing the
// editor) stores it once there is room; nothing typed is dropped.
func TestSaverKeepsAnEditTheDiskRefused(t *testing.T) {
	st := newFullDisk()
	var errs []error
	s := &saver{store: st, delay: time.Millisecond, kick: make(chan struct{}, 1), saved: func(_ time.Time, err error) { errs = append(errs, err) }}
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration.ProjectName = "城关镇智慧停车管理平台"
	s.put(f)
	if err := s.flush(); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Fatalf("flush on a full disk: %v", err)
	}
	if st.stored("f1") != nil {
		t.Fatal("stored on a full disk")
	}
	st.full.Store(false)
	if err := s.flush(); err != nil {
		t.Fatal(err)
	}
	if g := st.stored("f1"); g == nil || g.Title() != "城关镇智慧停车管理平台" {
		t.Fatalf("the refused edit was not stored once there was room: %+v", g)
	}
	if len(errs) != 2 || errs[1] != nil {
		t.Errorf("saved callbacks: %v", errs)
	}
}

// An edit the disk refused is tried again by itself once there is room,
// with no edit after it: the editor said "有空间后会自动保存" and waited
// for the next keystroke (found in a clerk's walkthrough on a full disk).
func TestSaverRetriesWhenTheDiskHasRoomAgain(t *testing.T) {
	st := newFullDisk()
	saved := make(chan error, 16)
	s := &saver{store: st, delay: time.Millisecond, retry: 5 * time.Millisecond, kick: make(chan struct{}, 1),
		saved: func(_ time.Time, err error) { saved <- err }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration.ProjectName = "城关镇智慧停车管理平台"
	s.put(f)
	if err := <-saved; app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Fatalf("the first save on a full disk: %v", err)
	}
	st.full.Store(false)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-saved:
			if err == nil {
				if !s.pending() && st.stored("f1") != nil {
					return
				}
				t.Fatalf("saved, yet pending %v", s.pending())
			}
		case <-deadline:
			t.Fatal("the refused edit was not tried again once there was room")
		}
	}
}

// 退出 with an edit the disk refused asks first, and goes back on Enter
// (Escape presses neither): it closed at once, and the draft typed was
// gone at the next start (found in a clerk's walkthrough on a full disk).
// Once the edit is stored, 退出 asks nothing.
func TestQuitAsksWhileAnEditIsUnsaved(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	disk := &fullDisk{memStore: x.store}
	disk.full.Store(true)
	disk.noRescue.Store(true) // nothing can be written: the question
	h.e.saver.store = disk    // before the first edit: the kick orders it before the save
	h.entry("project_name").SetText("城关镇智慧停车管理平台")
	x.eventually(t, "the failed save", func() bool { return saveRefused(h.e) })
	x.u.quit()
	x.eventually(t, "the question", func() bool { return strings.Contains(x.dialogText(), "有内容未能保存") })
	// 退出 again while it asks does not stack a second question.
	x.u.quit()
	x.pump()
	if n := len(x.w.Canvas().Overlays().List()); n != 1 {
		t.Errorf("退出 pressed twice: %d dialogs", n)
	}
	if txt := x.dialogText(); strings.Count(txt, "刚才输入的内容") != 1 || strings.Count(txt, "自动保存") != 1 {
		t.Errorf("the question repeats itself: %q", txt)
	}
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		answerDialog(x.w.Canvas(), &fyne.KeyEvent{Name: key})
		x.pump()
		open := x.w.Canvas().Overlays().Top() != nil
		if key == fyne.KeyEscape && !open {
			t.Fatal("Escape answered the question")
		}
		if key == fyne.KeyReturn && open {
			t.Fatal("Enter did not go back")
		}
	}
	if x.u.editor != h.e {
		t.Fatal("the editor closed")
	}
	disk.full.Store(false)
	x.u.quit()
	x.eventually(t, "the edit stored", func() bool { return x.store.stored(h.id()) != nil })
	x.pump()
	if top := x.w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("退出 with everything stored asked: %s", x.dialogText())
	}
}

// diskLink is an offline link whose status carries the disk warning the
// test sets.
type diskLink struct {
	offlineLink
	warning atomic.Value // string
}

func (l *diskLink) Status() SyncStatus {
	w, _ := l.warning.Load().(string)
	return SyncStatus{DiskWarning: w}
}

// When an autosave fails for want of space, the bar reads the disk's
// state again: it still said "只剩 119 MB" while saving had stopped at 49
// (found in a clerk's walkthrough on a full disk).
func TestFailedSaveRefreshesTheBar(t *testing.T) {
	var l *diskLink
	x := newScreensLinked(t, "huoqiu", func(prof *app.Profile) Link {
		l = &diskLink{offlineLink: offlineLink{prof: prof}}
		l.warning.Store("本机磁盘只剩 119 MB：请尽快删除不需要的文件")
		return l
	})
	x.u.refresh()
	x.eventually(t, "the first warning", func() bool { return strings.Contains(x.u.bar.reason.Text, "119 MB") })
	h := x.newEditor(t, app.KindDeclaration)
	disk := &fullDisk{memStore: x.store}
	disk.full.Store(true)
	h.e.saver.store = disk
	l.warning.Store("本机磁盘只剩 49 MB：已暂停保存")
	h.entry("project_name").SetText("城关镇智慧停车管理平台")
	x.eventually(t, "the bar's warning read again", func() bool { return strings.Contains(x.u.bar.reason.Text, "49 MB") })
}

// A save refused for want of disk space says so briefly in the editor's
// header, beside the bar's fuller warning: the whole message wrapped the
// header and moved the fields under the pointer (found in a clerk's
// walkthrough on a full disk). Another failure keeps its whole message.
func TestDiskFullSaysItBriefly(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.w.Resize(fyne.NewSize(1366, 768))
	h := x.newEditor(t, app.KindDeclaration)
	full := app.DiskFull(app.Errorf(app.EUNAVAILABLE,
		"本机磁盘空间不足（剩余 49 MB，至少需要 64 MB）：为防止数据损坏已暂停保存。请删除不需要的文件或清空回收站，刚才输入的内容仍在窗口中，有空间后会自动保存"))
	h.entry("project_name").SetText("城关镇智慧")
	x.eventually(t, "the first save", func() bool { return strings.Contains(h.e.saved.Text, "已自动保存") })
	x.pump()
	d := x.u.app.Driver()
	before := d.AbsolutePositionForObject(h.e.submit).Y
	h.e.saver.store = failingStore{memStore: x.store, err: full}
	h.entry("project_name").SetText("城关镇智慧停车管理平台")
	x.eventually(t, "the failed save", func() bool { return strings.Contains(h.e.saved.Text, "自动保存暂停") })
	if got := h.e.saved.Text; !strings.Contains(got, "见底部") || strings.Contains(got, "为防止数据损坏") {
		t.Errorf("the header says %q", got)
	}
	x.pump()
	if after := d.AbsolutePositionForObject(h.e.submit).Y; after != before {
		t.Errorf("检查并提交 moved from y %v to %v: the header grew", before, after)
	}
}

// failingStore is a store whose saves fail with err.
type failingStore struct {
	*memStore
	err error
}

func (s failingStore) Save(context.Context, *app.Filing) error { return s.err }

// An edit the disk refused is kept aside (Store.Rescue) when the window
// closes with it — 退出, and the Stop of a SIGTERM (a logout, a shutdown),
// which asked nothing and lost it — and the next start stores it and says
// so (found in a clerk's walkthrough on a full disk).
func TestClosingKeepsAsideAnEditTheDiskRefused(t *testing.T) {
	for _, how := range []string{"退出", "SIGTERM"} {
		t.Run(how, func(t *testing.T) {
			x := newScreens(t, "huoqiu", nil)
			h := x.newEditor(t, app.KindDeclaration)
			disk := &fullDisk{memStore: x.store}
			disk.full.Store(true)
			h.e.saver.store = disk
			h.entry("project_name").SetText("城关镇智慧停车管理平台")
			x.eventually(t, "the failed save", func() bool { return saveRefused(h.e) })
			if how == "退出" {
				x.u.quit()
			} else {
				done := make(chan struct{})
				go func() { x.u.Stop(); close(done) }()
				x.eventually(t, "Stop", func() bool {
					select {
					case <-done:
						return true
					default:
						return false
					}
				})
			}
			x.eventually(t, "the edit kept aside", func() bool {
				f := x.store.rescue(h.id())
				return f != nil && f.Title() == "城关镇智慧停车管理平台"
			})
			x.pump()
			if top := x.w.Canvas().Overlays().Top(); top != nil {
				t.Errorf("%s asked, though the edit was kept aside: %s", how, x.dialogText())
			}
		})
	}
}

// The next start names the filings whose kept-aside edits it stored.
func TestStartSaysWhatWasRescued(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration.ProjectName = "城关镇智慧停车管理平台"
	x.store.put(f)
	x.u.rescued, x.u.setAside = []string{f.ID}, []string{uuid.NewString()}
	x.u.tellRescued()
	x.pump()
	if got := x.dialogText(); !strings.Contains(got, "已恢复未保存的内容") || !strings.Contains(got, "“城关镇智慧停车管理平台”") || !strings.Contains(got, "现已恢复") ||
		!strings.Contains(got, "没有恢复") || !strings.Contains(got, "store/rescue") {
		t.Errorf("the start's message: %q", got)
	}
}

// Leaving the editor with an edit the full disk refused keeps trying it,
// and stores it once there is room; opening the filing again goes on from
// that edit, not from what the store held. The edit was kept aside at once
// and came back at the next start over what the clerk saved after it (found
// in a clerk's walkthrough on a full disk).
func TestLeavingTheEditorKeepsTheRefusedEdit(t *testing.T) {
	for _, how := range []string{"retried", "reopened"} {
		t.Run(how, func(t *testing.T) {
			x := newScreens(t, "huoqiu", nil)
			x.u.retry = 20 * time.Millisecond
			h := x.newEditor(t, app.KindDeclaration)
			h.entry("project_name").SetText("城关镇智慧停车管理平台")
			id := h.id()
			x.eventually(t, "the first save", func() bool {
				f := x.store.stored(id)
				return f != nil && f.Title() == "城关镇智慧停车管理平台"
			})
			disk := &fullDisk{memStore: x.store}
			disk.full.Store(true)
			h.e.saver.store = disk
			h.entry("goals").SetText("建成覆盖全镇的停车诱导系统")
			x.eventually(t, "the failed save", func() bool { return saveRefused(h.e) })
			x.u.ShowHome()
			x.pump()
			if f := x.store.rescue(id); f != nil {
				t.Errorf("leaving the editor kept the edit aside: it is still being tried")
			}
			if how == "reopened" {
				f, err := x.store.Get(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				x.u.openEditor(f, false)
				x.pump()
				h = x.editor(t)
				if got := h.entry("goals").Text; got != "建成覆盖全镇的停车诱导系统" {
					t.Fatalf("the filing opened again shows goals %q, not the edit the disk refused", got)
				}
			}
			disk.full.Store(false)
			x.eventually(t, "the refused edit stored", func() bool {
				f := x.store.stored(id)
				return f != nil && f.Declaration.Goals == "建成覆盖全镇的停车诱导系统"
			})
		})
	}
}

// A filing whose edit kept aside the store could not take at start (the
// disk still full) opens with that edit, and the first save of it removes
// what was kept aside: the clerk typed over the old text, and the next
// start put the old edit back over the new (found on a full disk).
func TestEditorGoesOnFromAPendingRescue(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := keptAside(t, x)
	x.u.openEditor(x.store.stored(f.ID), false)
	x.pump()
	h := x.editor(t)
	if got := h.entry("goals").Text; got != "建成覆盖全镇的停车诱导系统" {
		t.Fatalf("the editor opened with goals %q, not the edit kept aside", got)
	}
	x.eventually(t, "the kept edit stored and dropped", func() bool {
		g := x.store.stored(f.ID)
		return g.Declaration.Goals == "建成覆盖全镇的停车诱导系统" && x.store.rescue(f.ID) == nil
	})
}

func (s *fullDisk) DeleteDraft(ctx context.Context, id string) error {
	if s.full.Load() {
		return app.DiskFull(app.Errorf(app.EUNAVAILABLE, "本机磁盘空间不足（剩余 0 KB，至少需要 64 MB）：为防止数据损坏已暂停保存"))
	}
	return s.memStore.DeleteDraft(ctx, id)
}

// Deleting a draft on a full disk says that it cannot be deleted now and
// why, under its own title, and keeps the draft and what was typed: it
// showed the autosave's message under 出错了 (found on a full disk).
func TestDeletingADraftOnAFullDisk(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	h.entry("project_name").SetText("城关镇智慧停车管理平台")
	id := h.id()
	x.eventually(t, "the first save", func() bool { return x.store.stored(id) != nil })
	disk := &fullDisk{memStore: x.store}
	disk.full.Store(true)
	h.e.saver.store, x.u.store = disk, disk
	h.entry("goals").SetText("建成覆盖全镇的停车诱导系统")
	x.u.deleteDraft(h.e, id, "城关镇智慧停车管理平台")
	x.eventually(t, "the message", func() bool { return strings.Contains(x.dialogText(), "无法删除草稿") })
	if txt := x.dialogText(); strings.Contains(txt, "出错了") || !strings.Contains(txt, "磁盘已满") {
		t.Errorf("deleting on a full disk says %q", txt)
	}
	x.eventually(t, "the draft open again with what was typed", func() bool {
		return x.u.editor != nil && x.u.editor.f.ID == id && x.editor(t).entry("goals").Text == "建成覆盖全镇的停车诱导系统"
	})
}

// saveRefused reports whether e's header says its last save was refused
// (自动保存暂停 for a full disk, 自动保存失败 otherwise).
func saveRefused(e *editorScreen) bool {
	return strings.Contains(e.saved.Text, "自动保存暂停") || strings.Contains(e.saved.Text, "自动保存失败")
}

// brokenStore refuses every save with a fault of its own (a write the
// filesystem refused past the guard, a timeout): not EUNAVAILABLE.
type brokenStore struct{ *fullDisk }

func (s *brokenStore) Save(context.Context, *app.Filing) error {
	return fmt.Errorf("save: %w", app.Errorf(app.EINTERNAL, "本地数据库写入失败"))
}

// An edit the store refused with a fault of its own is kept too: 退出
// keeps it aside, or asks when that fails as well. It was neither kept
// queued nor asked about: 退出 quit and lost it (found in review).
func TestQuitKeepsAnEditTheStoreFailedOn(t *testing.T) {
	for _, rescue := range []bool{true, false} {
		t.Run(fmt.Sprintf("rescue=%v", rescue), func(t *testing.T) {
			x := newScreens(t, "huoqiu", nil)
			h := x.newEditor(t, app.KindDeclaration)
			broken := &brokenStore{&fullDisk{memStore: x.store}}
			broken.noRescue.Store(!rescue)
			h.e.saver.store = broken
			h.entry("project_name").SetText("城关镇智慧停车管理平台")
			x.eventually(t, "the failed save", func() bool { return saveRefused(h.e) })
			x.u.quit()
			if rescue {
				x.eventually(t, "the edit kept aside", func() bool { return x.store.rescue(h.id()) != nil })
				x.pump()
				if top := x.w.Canvas().Overlays().Top(); top != nil {
					t.Errorf("asked though the edit was kept aside: %s", x.dialogText())
				}
				return
			}
			x.eventually(t, "the question", func() bool { return strings.Contains(x.dialogText(), "有内容未能保存") })
		})
	}
}

// An edit kept aside that the editor took over, left and opened again
// before the disk had room, is still dropped once stored: it lingered and
// the next start called it outdated (found in review).
func TestAPendingRescuePassedOnIsDroppedOnceStored(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := keptAside(t, x)
	disk := &fullDisk{memStore: x.store}
	disk.full.Store(true)
	x.u.store = disk // the disk still full: the editor's saves are refused
	// Each editor's saver tries again soon, not in 15 s: the second's
	// first try may come before the disk has room (the test timed out
	// under load in CI).
	x.u.retry = 20 * time.Millisecond
	x.u.openEditor(x.store.stored(f.ID), false)
	x.pump()
	h := x.editor(t)
	x.eventually(t, "the refused save", func() bool { return saveRefused(h.e) })
	x.u.ShowHome()
	x.pump()
	x.u.openEditor(x.store.stored(f.ID), false)
	x.pump()
	h = x.editor(t)
	if got := h.entry("goals").Text; got != "建成覆盖全镇的停车诱导系统" {
		t.Fatalf("opened again with goals %q", got)
	}
	disk.full.Store(false)
	x.eventually(t, "stored and dropped", func() bool {
		return x.store.stored(f.ID).Declaration.Goals == "建成覆盖全镇的停车诱导系统" && x.store.rescue(f.ID) == nil
	})
}

// keptAside stores a draft declaration and an edit of it kept aside
// (Store.Rescue) with goals the store has not: 建成覆盖全镇的停车诱导系统.
func keptAside(t *testing.T, x *screenFixture) *app.Filing {
	t.Helper()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration.ProjectName = "城关镇智慧停车管理平台"
	x.store.put(f)
	kept := clone(f)
	kept.Declaration.Goals = "建成覆盖全镇的停车诱导系统"
	if err := x.store.Rescue(kept); err != nil {
		t.Fatal(err)
	}
	return f
}
