package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/app/store"
	"egovdesk/app/version"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// A backup file (.egovbak) is a zip of one data directory:
//
//	manifest.json         what and when (backupManifest)
//	store.badger          the store, in Badger's backup format (store.Backup)
//	attachments/<sha256>  every attachment file, named by its content hash
//	session.json, profile.json, trust.json
//	                      the bureau's address, the cached rule profile and
//	                      the trusted certificates; never the login token
//
// The store is one consistent snapshot; attachments are written once and
// never change, so copying them after the snapshot loses none it names.
// The file's extension is .egovbak (ui's backup filter).
//
// Format 2 (an encrypted data directory, every client since encryption at
// rest) holds no plaintext of a filing or attachment:
//
//	store.badger.enc      the store's backup stream, encrypted with the data
//	                      key (atrest's chunked AES-256-GCM, or SM4-GCM:
//	                      attachmentCipher)
//	attachments/<sha256>  the attachment files as kept: encrypted with the
//	                      data key
//	recovery.json         the data key sealed with the recovery key
//	                      (Argon2id + AES-256-GCM), and its fingerprint
//
// On the same computer (the manifest's key_id is this data key) a restore
// needs nothing more; on another computer, or after the system's key was
// lost, it needs the recovery key shown in 设置 → 自动备份. The restored
// data is encrypted again with the new computer's own data key.

var backupSettings = []string{sessionFile, profileFile, trustFile}

type backupManifest struct {
	Format      int       `json:"format"` // 1 plaintext, 2 encrypted
	Created     time.Time `json:"created"`
	Client      string    `json:"client"`
	Attachments int       `json:"attachments"`
	KeyID       string    `json:"key_id,omitempty"` // format 2: the data key's fingerprint
}

// backupRecovery is recovery.json.
type backupRecovery struct {
	KeyID  string         `json:"key_id"`
	Sealed *atrest.Sealed `json:"sealed"`
}

// errNeedRecoveryKey: the backup was encrypted with another data key.
var errNeedRecoveryKey = ui.ErrRecoveryKeyNeeded

var shaName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// writeBackup writes the backup of the data directory dir, whose store st
// is open, to path: through a temporary file renamed into place, so a
// failed or interrupted backup never leaves a truncated file under the name.
func writeBackup(path, dir string, st *store.Store, keys *atrest.Keys) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".egovdesk-backup-*")
	if err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	z := zip.NewWriter(tmp)
	format, keyID := 1, ""
	if keys != nil {
		format, keyID = 2, keys.ID()
		sealed, id, err := atrest.RecoverySealed(dir)
		if err != nil || id != keyID {
			return fmt.Errorf("write backup: the recovery key of this data directory is not in %s: %v", atrest.KeysFile, err)
		}
		rj, _ := json.MarshalIndent(backupRecovery{KeyID: id, Sealed: sealed}, "", "  ")
		w, err := z.Create("recovery.json")
		if err != nil {
			return err
		}
		if _, err := w.Write(rj); err != nil {
			return err
		}
		if w, err = z.Create("store.badger.enc"); err != nil {
			return err
		}
		ew, err := atrest.NewWriter(w, keys.Data, attachmentCipher(dir))
		if err != nil {
			return err
		}
		if err := st.Backup(ew); err != nil {
			return err
		}
		if err := ew.Close(); err != nil {
			return fmt.Errorf("write backup: %w", err)
		}
	} else {
		w, err := z.Create("store.badger")
		if err != nil {
			return err
		}
		if err := st.Backup(w); err != nil {
			return err
		}
	}
	n := 0
	ents, err := os.ReadDir(filepath.Join(dir, "attachments"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write backup: %w", err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !shaName.MatchString(e.Name()) {
			continue // a temporary file of an import under way
		}
		if err := copyInto(z, "attachments/"+e.Name(), filepath.Join(dir, "attachments", e.Name())); err != nil {
			return err
		}
		n++
	}
	for _, name := range backupSettings {
		if err := copyInto(z, name, filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	m, _ := json.MarshalIndent(backupManifest{Format: format, Created: time.Now(), Client: version.String("egovdesk"), Attachments: n, KeyID: keyID}, "", "  ")
	w, err := z.Create("manifest.json")
	if err != nil {
		return err
	}
	if _, err := w.Write(m); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}

func copyInto(z *zip.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := z.Create(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("write backup: %s: %w", name, err)
	}
	return nil
}

// restoreBackup restores the backup file at path into the data directory
// dir, which must not hold a store yet (a new computer, or a store moved
// aside), encrypting it with keys (dir's own; nil: plaintext). An
// encrypted backup of another data key needs its recovery key (else
// errNeedRecoveryKey). Every attachment is checked against its hash. On
// any failure nothing is left in dir that was not there before.
func restoreBackup(path, dir string, keys *atrest.Keys, recovery string) (err error) {
	if _, err := os.Stat(filepath.Join(dir, "store")); err == nil {
		empty, err := storeEmpty(filepath.Join(dir, "store"), keys)
		if err != nil {
			return err
		}
		if !empty {
			return app.Errorf(app.EINVALID, "数据目录 %s 中已有材料，不能在其上恢复：请换一个空目录（--data），或先把现有的 store 目录移走", dir)
		}
		// A first run made an empty store: nothing is lost by replacing it.
		if err := os.RemoveAll(filepath.Join(dir, "store")); err != nil {
			return err
		}
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		return app.Errorf(app.EINVALID, "%s 不是 egovdesk 的备份文件（%v）", path, err)
	}
	defer z.Close()
	var m backupManifest
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[f.Name] = f
	}
	if mf := files["manifest.json"]; mf == nil || (files["store.badger"] == nil && files["store.badger.enc"] == nil) {
		return app.Errorf(app.EINVALID, "%s 不是 egovdesk 的备份文件（缺少 manifest.json 或 store.badger）", path)
	} else if err := readZipJSON(mf, &m); err != nil || (m.Format != 1 && m.Format != 2) {
		return app.Errorf(app.EINVALID, "%s 的备份格式无法识别（%v）", path, err)
	}
	var backupKey []byte // format 2: the key the backup was encrypted with
	if m.Format == 2 {
		if backupKey, err = backupDataKey(files["recovery.json"], m, keys, recovery); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var written []string
	defer func() {
		if err != nil {
			for _, p := range written {
				os.RemoveAll(p)
			}
		}
	}()
	sfile := files["store.badger"]
	if backupKey != nil {
		sfile = files["store.badger.enc"]
	}
	if sfile == nil {
		return app.Errorf(app.EINVALID, "%s 已损坏（缺少材料库）", path)
	}
	sf, err := sfile.Open()
	if err != nil {
		return err
	}
	var sr io.Reader = sf
	if backupKey != nil {
		sr = atrest.NewStreamReader(sf, int64(sfile.UncompressedSize64), backupKey)
	}
	var ropts []store.Option
	if keys != nil {
		ropts = append(ropts, store.WithEncryptionKey(keys.Data))
	}
	written = append(written, filepath.Join(dir, "store"))
	err = store.Restore(filepath.Join(dir, "store"), sr, ropts...)
	sf.Close()
	if errors.Is(err, atrest.ErrAuth) {
		return app.Errorf(app.EINVALID, "备份中的材料库已损坏（解密校验失败）")
	}
	if err != nil {
		return err
	}
	// Attachments go in through the client's own content-addressed store,
	// which hashes, syncs and names each file as an import does (and
	// encrypts it with this computer's key).
	blobs, err := openBlobs(dir, keys)
	if err != nil {
		return err
	}
	for _, f := range z.File {
		name, ok := strings.CutPrefix(f.Name, "attachments/")
		if !ok {
			continue
		}
		if !shaName.MatchString(name) {
			return app.Errorf(app.EINVALID, "备份中的附件名 %q 不是内容摘要", f.Name)
		}
		if err := restoreBlob(blobs, f, name, backupKey); err != nil {
			return err
		}
		written = append(written, blobs.Path(name))
	}
	for _, name := range backupSettings {
		if f := files[name]; f != nil {
			dst := filepath.Join(dir, name)
			if _, err := os.Stat(dst); err == nil {
				continue // this computer's own setting stays
			}
			data, err := readZipFile(f)
			if err != nil {
				return err
			}
			written = append(written, dst)
			if err := writeFile(dst, data); err != nil {
				return err
			}
		}
	}
	return nil
}

// restoreBlob imports the zip entry f into blobs; its bytes must hash to
// sum, its name in the backup, or it is removed again.
func restoreBlob(blobs *syncer.BlobDir, f *zip.File, sum string, backupKey []byte) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	var src io.Reader = r
	if backupKey != nil {
		src = atrest.NewStreamReader(r, int64(f.UncompressedSize64), backupKey)
	}
	a, err := blobs.ImportReader(context.Background(), sum, src)
	if errors.Is(err, atrest.ErrAuth) || errors.Is(err, atrest.ErrNotEncrypted) {
		return app.Errorf(app.EINVALID, "备份中的附件 %s 已损坏（解密校验失败）", sum[:12])
	}
	if err != nil {
		return fmt.Errorf("restore %s: %w", f.Name, err)
	}
	if a.SHA256 != sum {
		os.Remove(blobs.Path(a.SHA256))
		return app.Errorf(app.EINVALID, "备份中的附件 %s 已损坏（内容与摘要不符）", sum[:12])
	}
	return nil
}

// backupDataKey returns the data key an encrypted backup was written
// with: this computer's when the fingerprints match, else the one the
// recovery key opens from recovery.json.
func backupDataKey(rf *zip.File, m backupManifest, keys *atrest.Keys, recovery string) ([]byte, error) {
	if keys != nil && m.KeyID == keys.ID() {
		return keys.Data, nil
	}
	if rf == nil {
		return nil, app.Errorf(app.EINVALID, "备份文件已损坏（缺少 recovery.json）")
	}
	if recovery == "" {
		return nil, errNeedRecoveryKey
	}
	var rec backupRecovery
	if err := readZipJSON(rf, &rec); err != nil || rec.Sealed == nil {
		return nil, app.Errorf(app.EINVALID, "备份文件已损坏（recovery.json 无法读取）")
	}
	rk, ok := atrest.NormalRecoveryKey(recovery)
	if !ok {
		return nil, app.Errorf(app.EINVALID, "恢复密钥的格式不对：应为 8 组、每组 4 个字母或数字，如 ABCD-EFGH-…")
	}
	data, err := rec.Sealed.Open(rk)
	if err != nil || atrest.KeyID(data) != m.KeyID {
		return nil, app.Errorf(app.EINVALID, "恢复密钥与此备份不符：请核对是否是备份所在那台电脑的恢复密钥（设置 → 自动备份 → 显示恢复密钥）")
	}
	return data, nil
}

// readZipFile returns the bytes of a small zip entry (a settings file).
func readZipFile(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 1<<20))
}

func readZipJSON(f *zip.File, v any) error {
	data, err := readZipFile(f)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// storeEmpty reports whether the store in dir holds no filing and nothing
// waiting to be sent.
func storeEmpty(dir string, keys *atrest.Keys) (bool, error) {
	var opts []store.Option
	if keys != nil {
		opts = append(opts, store.WithEncryptionKey(keys.Data))
	}
	st, err := store.Open(dir, opts...)
	if err != nil {
		return false, err
	}
	ctx := context.Background()
	c, err := st.Counts(ctx)
	n, perr := st.PendingCount(ctx)
	if cerr := st.Close(); err == nil {
		err = errors.Join(perr, cerr)
	}
	return err == nil && c.Total == 0 && n == 0, err
}

// checkRestorable reports, in the clerk's words, why the backup at path
// cannot be restored into the running client whose store is st: the file
// is not a backup, or this client already holds filings.
func checkRestorable(path string, st *store.Store, keys *atrest.Keys, recovery string) error {
	ctx := context.Background()
	c, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	n, err := st.PendingCount(ctx)
	if err != nil {
		return err
	}
	if c.Total > 0 || n > 0 {
		return app.Errorf(app.EINVALID, "本机已有 %d 份材料，不能用备份覆盖。从备份恢复只用于新电脑或新安装的客户端；本机的材料请用“备份到文件”保存", c.Total)
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		return app.Errorf(app.EINVALID, "所选文件不是 egovdesk 的备份文件（.egovbak）")
	}
	defer z.Close()
	var m backupManifest
	var hasStore bool
	var rf *zip.File
	for _, f := range z.File {
		switch f.Name {
		case "manifest.json":
			if err := readZipJSON(f, &m); err != nil {
				return app.Errorf(app.EINVALID, "备份文件已损坏（清单无法读取）")
			}
		case "store.badger", "store.badger.enc":
			hasStore = true
		case "recovery.json":
			rf = f
		}
	}
	if (m.Format != 1 && m.Format != 2) || !hasStore {
		return app.Errorf(app.EINVALID, "所选文件不是 egovdesk 的备份文件（.egovbak）")
	}
	if m.Format == 2 {
		if _, err := backupDataKey(rf, m, keys, recovery); err != nil {
			return err
		}
	}
	return nil
}
