package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/atrest"
	"egovdesk/ui"
)

// keysTemplate is a data directory holding keys.json made once (Argon2id
// is slow); every test's data directory gets a copy: the same data key.
var (
	keysTemplate string
	keysOnce     sync.Once
	keysTmpl     *atrest.Keys
)

// fakeOS wraps with a plain AES key so that tests do not pay Argon2id.
type fakeOS struct{ gone bool }

func (f fakeOS) Method() string { return atrest.MethodDPAPI }
func (f fakeOS) Protect(s []byte) ([]byte, error) {
	return append([]byte("wrapped:"), s...), nil
}
func (f fakeOS) Unprotect(w []byte) ([]byte, error) {
	if f.gone {
		return nil, atrest.ErrKeyGone
	}
	return bytes.TrimPrefix(w, []byte("wrapped:")), nil
}

// testKeys returns the keys of data directory dir, copying the shared
// test keys.json into it first when it has none.
func testKeys(tb testing.TB, dir string) *atrest.Keys {
	tb.Helper()
	keysOnce.Do(func() {
		d, err := os.MkdirTemp("", "egovdesk-keys-")
		if err == nil {
			keysTemplate = d
			keysTmpl, err = atrest.Create(d, fakeOS{}, "")
		}
		if err != nil {
			panic(err)
		}
	})
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	dst := filepath.Join(dir, atrest.KeysFile)
	if _, err := os.Stat(dst); err != nil {
		data, err := os.ReadFile(filepath.Join(keysTemplate, atrest.KeysFile))
		if err != nil {
			tb.Fatal(err)
		}
		os.WriteFile(dst, data, 0o600)
	}
	k, err := atrest.Load(dir, fakeOS{})
	if err != nil {
		tb.Fatalf("test keys: %v", err)
	}
	return k
}

// grepTree returns the files under dir holding any of needles.
func grepTree(t *testing.T, dir string, needles ...[]byte) []string {
	t.Helper()
	var hits []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			if bytes.Contains(data, n) {
				hits = append(hits, p)
				break
			}
		}
		return nil
	})
	return hits
}

// The Done-when: a filing with a known sentence and an attachment
// with known bytes are written, submitted, backed up (by hand and
// automatically) and the client closed; no file under the data directory
// or the backup folder holds the sentence or the attachment's bytes. The
// same run without keys finds both, so the test fails without encryption.
func TestNoPlaintextAtRest(t *testing.T) {
	const sentence = "在全县十二个乡镇建设城乡低保对象动态监测预警平台并与省大数据中心对接"
	secretPDF := append([]byte("%PDF-1.7\n% 霍邱县低保监测平台可行性研究报告 附件 保密段落 "), make([]byte, 200_000)...)
	rand.Read(secretPDF[len(secretPDF)-200_000:])
	needles := [][]byte{[]byte(sentence), secretPDF[:60], secretPDF[100_000:100_064]}

	for _, encrypted := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "data")
		folder := filepath.Join(t.TempDir(), "U盘")
		os.MkdirAll(folder, 0o700)
		backup := filepath.Join(folder, "手动备份.egovbak")
		d, _ := mustDeskWith(t, dir, func(o *deskOptions) {
			o.files = savedTo{backup}
			if !encrypted {
				o.keys = nil
			}
		})
		MustOffline(t, d, "yunan")
		ctx := context.Background()
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.ShortDeclaration(1)
		f.Declaration.Goals = sentence
		a, err := d.blobs.ImportReader(ctx, "可研报告.pdf", bytes.NewReader(secretPDF))
		if err != nil {
			t.Fatal(err)
		}
		a.Material = "feasibility_study"
		f.Attachments = []app.Attachment{a}
		if err := d.store.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := d.store.Submit(ctx, f.ID, "陈晓", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := (&local{st: d.store, blobs: d.blobs, dir: dir, keys: d.keys}).Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		if err := d.backups.SetAuto(folder); err != nil {
			t.Fatal(err)
		}
		// The attachment still reads back and verifies.
		b, err := d.blobs.Open(a.SHA256)
		if err != nil || b.Size() != int64(len(secretPDF)) {
			t.Fatalf("attachment: %v", err)
		}
		b.Close()
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		hits := append(grepTree(t, dir, needles...), grepTree(t, folder, needles...)...)
		if encrypted && len(hits) > 0 {
			t.Errorf("plaintext at rest in %v", hits)
		}
		if !encrypted && len(hits) < 3 {
			t.Errorf("without encryption the grep finds only %v: the test would not see plaintext", hits)
		}
	}
}

// A backup restores on another computer (another data key) only with the
// recovery key of the computer that wrote it, and then is encrypted with
// the new computer's key; a wrong recovery key changes nothing.
func TestRestoreOnANewComputerNeedsTheRecoveryKey(t *testing.T) {
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "b.egovbak")
	dirA := t.TempDir()
	d, _ := mustDeskWith(t, dirA, func(o *deskOptions) { o.files = savedTo{backup} })
	MustOffline(t, d, "yunan")
	f, _ := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "", time.Now())
	f.Declaration = apptest.ShortDeclaration(3)
	f.Attachments = []app.Attachment{importPDF(t, d, "申请报告.pdf", "application_report")}
	if err := d.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := writeBackup(backup, dirA, d.store, d.keys); err != nil {
		t.Fatal(err)
	}

	// The new computer made its own data key at its first start.
	dirB := filepath.Join(t.TempDir(), "new")
	os.MkdirAll(dirB, 0o700)
	kB, err := atrest.Create(dirB, fakeOS{}, "")
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := mustDeskIn(t, dirB)
	if err := checkRestorable(backup, fresh.store, kB, ""); !errors.Is(err, ui.ErrRecoveryKeyNeeded) {
		t.Fatalf("another computer's backup without a recovery key: %v", err)
	}
	if err := checkRestorable(backup, fresh.store, kB, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"); err == nil || !strings.Contains(app.ErrorMessage(err), "恢复密钥与此备份不符") {
		t.Fatalf("wrong recovery key: %v", err)
	}
	if err := checkRestorable(backup, fresh.store, kB, strings.ToLower(d.keys.Recovery)); err != nil {
		t.Fatalf("right recovery key: %v", err)
	}
	if err := fresh.Close(); err != nil {
		t.Fatal(err)
	}
	if err := restoreBackup(backup, dirB, kB, ""); !errors.Is(err, ui.ErrRecoveryKeyNeeded) {
		t.Fatalf("restore without the recovery key: %v", err)
	}
	if err := restoreBackup(backup, dirB, kB, d.keys.Recovery); err != nil {
		t.Fatal(err)
	}
	b, _ := mustDeskIn(t, dirB)
	if b.keys.ID() != kB.ID() || b.keys.ID() == d.keys.ID() {
		t.Fatal("the new computer does not keep its own key")
	}
	got, err := b.store.Get(ctx, f.ID)
	want, _ := d.store.Get(ctx, f.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("restored filing: %v", err)
	}
	r, err := b.blobs.Open(f.Attachments[0].SHA256)
	if err != nil {
		t.Fatalf("restored attachment does not open with the new key: %v", err)
	}
	r.Close()
}

// The start-up passphrase: set once, a wrong one says so and leaves
// keys.json as it was, the right one and the recovery key open; a system
// key that is gone asks for the recovery key, which then wraps the data
// key under the system's key again.
func TestKeysAtStart(t *testing.T) {
	dir := t.TempDir()
	k, ask, err := loadKeys(dir, nil)
	if err != nil || k != nil || ask != askNew {
		t.Fatalf("first start without a system key store: %v %v %v", k, ask, err)
	}
	if _, err := answerKeys(dir, nil, askNew, "短口令"); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a 3-character passphrase: %v", err)
	}
	made, err := answerKeys(dir, nil, askNew, "城关镇申报2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, ask, _ := loadKeys(dir, fakeOS{}); ask != askPassphrase {
		t.Fatalf("next start asks %v, want the passphrase", ask)
	}
	before, _ := os.ReadFile(filepath.Join(dir, atrest.KeysFile))
	if _, err := answerKeys(dir, nil, askPassphrase, "城关镇申报2025"); !strings.Contains(app.ErrorMessage(err), "口令不正确") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, atrest.KeysFile)); !bytes.Equal(before, after) {
		t.Fatal("a wrong passphrase changed keys.json")
	}
	for _, typed := range []string{"城关镇申报2026", made.Recovery} {
		if k, err := answerKeys(dir, nil, askPassphrase, typed); err != nil || !bytes.Equal(k.Data, made.Data) {
			t.Fatalf("%q: %v", typed, err)
		}
	}

	// With a system key store: made silently; gone → the recovery key.
	dir = t.TempDir()
	k, ask, err = loadKeys(dir, fakeOS{})
	if err != nil || ask != askNothing || k.Method != atrest.MethodDPAPI {
		t.Fatalf("first start with a system key store: %v %v", ask, err)
	}
	if _, ask, _ := loadKeys(dir, fakeOS{gone: true}); ask != askRecovery {
		t.Fatalf("system key gone: asks %v, want the recovery key", ask)
	}
	if _, err := answerKeys(dir, fakeOS{}, askRecovery, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"); !strings.Contains(app.ErrorMessage(err), "恢复密钥不正确") {
		t.Fatalf("wrong recovery key: %v", err)
	}
	if got, err := answerKeys(dir, fakeOS{}, askRecovery, k.Recovery); err != nil || !bytes.Equal(got.Data, k.Data) {
		t.Fatalf("recovery key: %v", err)
	}
}

// 打开 on an encrypted attachment gives the viewer a plaintext viewing copy
// outside the data directory, named as the clerk named the file; it goes
// when the client closes.
func TestOpenAttachmentThroughAViewingCopy(t *testing.T) {
	dir := t.TempDir()
	d, _ := mustDeskIn(t, dir)
	a := importPDF(t, d, "申请报告.pdf", "application_report")
	p, err := d.link.FetchAttachment(context.Background(), "f1", a)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(p, dir) || filepath.Base(p) != "申请报告.pdf" {
		t.Errorf("viewing copy at %s", p)
	}
	if got, _ := os.ReadFile(p); string(got) != "%PDF-1.4 申请报告.pdf" {
		t.Errorf("viewing copy holds %q", got)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("the viewing copy outlived the client")
	}
}

// EGOVDESK_ATTACHMENT_CIPHER=sm4 writes new attachment files with SM4-GCM
// (商用密码); they read back like AES ones.
func TestAttachmentsInSM4WhenSet(t *testing.T) {
	t.Setenv("EGOVDESK_ATTACHMENT_CIPHER", "sm4")
	d, _ := mustDeskIn(t, t.TempDir())
	a := importPDF(t, d, "申请报告.pdf", "application_report")
	raw, err := os.ReadFile(d.blobs.Path(a.SHA256))
	if err != nil || !atrest.IsEncrypted(raw) || atrest.Cipher(raw[8]) != atrest.SM4GCM {
		t.Fatalf("attachment file: %v, cipher byte %d, want SM4-GCM", err, raw[8])
	}
	r, err := d.blobs.OpenReader(a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	b.ReadFrom(r)
	if b.String() != "%PDF-1.4 申请报告.pdf" {
		t.Fatalf("read back %q", b.String())
	}
}
