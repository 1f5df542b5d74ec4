package main

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// errReceiptBad: receipt verify found the receipt does not verify (exit
// status 1).
var errReceiptBad = errors.New("回执验证未通过")

// receiptKey prints the receipt signing key's public half as PEM, after a
// line with its key ID. It reads (or, on a new data directory, makes) the
// key in --data; it needs no store, so it runs beside a serving bureau.
func (e *env) receiptKey(args []string) error {
	fs := flag.NewFlagSet("bureau receipt key", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", envOr("EGOV_BUREAU_DATA", "/var/lib/egov-bureau"), "data directory (env EGOV_BUREAU_DATA)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %v", fs.Args())
	}
	key, err := server.LoadReceiptKey(*data, true)
	if err != nil {
		return err
	}
	k, err := protocol.NewReceiptKey(&key.PublicKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "# SM2 receipt key %s (user ID %s)\n%s", k.KeyID, k.UserID, k.PEM)
	return nil
}

// receiptVerify checks a receipt (the JSON the bureau answered) against the
// bureau's public key: from -key (a PEM file, as `receipt key` prints it or
// GET /api/v1/receipt-key serves it) or else the key in --data. With
// -body, it also checks that the file's bytes (the revision's body as
// submitted) have the receipt's SHA-256 and SM3. It prints "OK: …" or
// "FAILED: …" and then exits with status 1.
func (e *env) receiptVerify(args []string) error {
	fs := flag.NewFlagSet("bureau receipt verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	keyFile := fs.String("key", "", "the bureau's receipt public key, PEM (default: the key in --data)")
	data := fs.String("data", envOr("EGOV_BUREAU_DATA", "/var/lib/egov-bureau"), "data directory, for its key when -key is not given")
	bodyFile := fs.String("body", "", "optional: the revision's body as submitted, to check both digests")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("usage: bureau receipt verify [-key pub.pem] [-body body.json] receipt.json")
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("回执文件无法读取：%w", err)
	}
	var r protocol.Receipt
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("回执文件 %s 不是回执 JSON：%w", fs.Arg(0), err)
	}
	var pub *ecdsa.PublicKey
	if *keyFile != "" {
		p, err := os.ReadFile(*keyFile)
		if err != nil {
			return fmt.Errorf("公钥文件无法读取：%w", err)
		}
		if pub, err = protocol.ParseReceiptPublicKey(p); err != nil {
			return fmt.Errorf("公钥文件 %s：%w", *keyFile, err)
		}
	} else {
		key, err := server.LoadReceiptKey(*data, false)
		if err != nil {
			return fmt.Errorf("%w；或用 -key 指定数管局的回执公钥", err)
		}
		pub = &key.PublicKey
	}
	fail := func(format string, a ...any) error {
		fmt.Fprintf(e.stdout, "FAILED: "+format+"\n", a...)
		return errReceiptBad
	}
	if err := protocol.VerifyReceipt(pub, r); err != nil {
		return fail("%v", err)
	}
	if *bodyFile != "" {
		body, err := os.ReadFile(*bodyFile)
		if err != nil {
			return fmt.Errorf("正文文件无法读取：%w", err)
		}
		sh, sm := sha256.Sum256(body), sm3.Sum(body)
		if got := hex.EncodeToString(sh[:]); got != r.BodySHA256 {
			return fail("签名有效，但正文文件的 SHA-256 为 %s，回执为 %s", got, r.BodySHA256)
		}
		if r.BodySM3 == "" {
			fmt.Fprintln(e.stdout, "note: 回执没有 SM3（数管局在计算 SM3 之前收到此版本），只核对了 SHA-256")
		} else if got := hex.EncodeToString(sm[:]); got != r.BodySM3 {
			return fail("签名有效，但正文文件的 SM3 为 %s，回执为 %s", got, r.BodySM3)
		}
	}
	fmt.Fprintf(e.stdout, "OK: 第 %d 版（材料 %s，版本 %s，单位 %s）于 %s 由数管局收到，SHA-256 %s，SM3 %s，状态 %s，签名密钥 %s\n",
		r.Revision, r.FilingID, r.RevisionID, r.UnitID, r.ReceivedAt.UTC().Format(time.RFC3339), r.BodySHA256, orNone(r.BodySM3), r.Status, r.KeyID)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}
