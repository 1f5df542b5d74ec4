package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

type fakeBackups struct {
	mu     sync.Mutex
	folder string
	last   time.Time
}

func (b *fakeBackups) Auto() (string, time.Time, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.folder, b.last, ""
}

func (b *fakeBackups) SetAuto(folder string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.folder, b.last = folder, time.Now()
	return nil
}

type folderPick struct {
	pickedFiles
	path string
}

func (f *folderPick) Folder(context.Context, string, string) (string, error) { return f.path, nil }

// TestAutoBackupSettings: 设置 shows 自动备份; choosing a folder turns it
// on (the folder dialog's answer reaches Backups) and says where and when.
func TestAutoBackupSettings(t *testing.T) {
	files := &folderPick{path: "/media/UDISK/备份"}
	x := newScreens(t, "huoqiu", files)
	b := &fakeBackups{}
	x.u.backups = b
	x.u.showSettings()
	x.pump()
	if txt := shownText(x); !strings.Contains(txt, "未开启自动备份") {
		t.Errorf("settings before: %s", txt)
	}
	tapButton(t, x.w.Content(), "选择备份文件夹…")
	x.eventually(t, "the folder set", func() bool { f, _, _ := b.Auto(); return f == "/media/UDISK/备份" })
	x.eventually(t, "the panel says where", func() bool { return strings.Contains(shownText(x), "备份到 /media/UDISK/备份，上次备份") })
	tapButton(t, x.w.Content(), "停止自动备份")
	x.eventually(t, "turned off", func() bool { f, _, _ := b.Auto(); return f == "" })
}

// shownText is the text of every label in the window.
func shownText(x *screenFixture) string {
	var b strings.Builder
	walkRendered(x.w.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		} else if p, ok := o.(*paragraph); ok {
			b.WriteString(p.Text + "\n")
		}
	})
	return b.String()
}
