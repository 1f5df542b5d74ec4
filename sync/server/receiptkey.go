package server

import (
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"egovdesk/sync/protocol"
)

// ReceiptKeyFile is the SM2 key pair that signs receipts, in the data
// directory: a PKCS#8 "PRIVATE KEY" PEM block, mode 0600, made at the
// first start. Losing it does not lose data, but receipts signed before
// can then be checked only against the public key kept elsewhere (the
// clients pin it; `bureau receipt key` prints it): back it up with the
// data directory and keep it as secret as the audit key.
const ReceiptKeyFile = "receipt-sm2.key"

// LoadReceiptKey reads the receipt signing key of data directory dir; with
// create, it makes one (0600) when there is none.
func LoadReceiptKey(dir string, create bool) (*sm2.PrivateKey, error) {
	path := filepath.Join(dir, ReceiptKeyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		key, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("回执签名密钥无法生成：%w", err)
		}
		der, err := smx509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("回执签名密钥无法编码：%w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("回执签名密钥无法写入 %s：%w", path, err)
		}
		_, err = f.Write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("回执签名密钥无法写入 %s：%w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("回执签名密钥 %s 无法读取：%w", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("回执签名密钥 %s 已损坏（应为 PEM 格式的 PKCS#8 SM2 私钥）", path)
	}
	k, err := smx509.ParsePKCS8PrivateKey(block.Bytes)
	key, ok := k.(*sm2.PrivateKey)
	if err != nil || !ok {
		return nil, fmt.Errorf("回执签名密钥 %s 已损坏（应为 PEM 格式的 PKCS#8 SM2 私钥）", path)
	}
	return key, nil
}

// ReceiptPublicKey describes the bureau's receipt signing key (as GET
// /receipt-key serves it).
func (s *Server) ReceiptPublicKey() (protocol.ReceiptKey, error) {
	return protocol.NewReceiptKey(&s.receiptKey.PublicKey)
}

// handleReceiptKey serves the receipt signing key's public half.
func (s *Server) handleReceiptKey(w http.ResponseWriter, _ *http.Request, _ *caller) error {
	k, err := s.ReceiptPublicKey()
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, k)
	return nil
}

// signReceipts signs the receipts of out for unit (each names the unit),
// in parallel when there are many: an SM2 signature costs tens of
// microseconds, a batch of thousands a noticeable part of a push. A
// receipt that cannot be signed (a field with a line break, which the
// request checks refuse before) goes out unsigned, logged at ERROR; the
// client then flags it.
func (s *Server) signReceipts(unit string, out []protocol.BatchResult) {
	sign := func(i int) {
		r := out[i].Receipt
		if r == nil {
			return
		}
		r.UnitID = unit // stored receipts before SM3 have none; it is always the caller's unit
		signed, err := protocol.SignReceipt(s.receiptKey, *r)
		if err != nil {
			s.log.Error("receipt not signed", "filing", r.FilingID, "revision", r.RevisionID, "err", err)
			return
		}
		out[i].Receipt = &signed
	}
	workers := min(runtime.GOMAXPROCS(0), len(out)/64+1)
	if workers <= 1 {
		for i := range out {
			sign(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(out); i += workers {
				sign(i)
			}
		})
	}
	wg.Wait()
}
