package syncer

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"

	"egovdesk/app"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// The bureau signs every receipt with its SM2 key (protocol.SignReceipt).
// The client pins that key at its first sync (trust on first use, in its
// store, per bureau URL) and checks every receipt it gets with it: a
// receipt that does not verify — changed on the way, unsigned, or signed
// by another key — is refused like a failed submission (the revision stays
// in the outbox and is sent again), with a message that says so. Receipts
// that verify are kept (app.ReceiptProof) so that the unit can later prove
// what the bureau acknowledged. A bureau before signed receipts (no
// receipt-key route: 404) has no key to pin; its receipts are accepted
// and kept marked as not verified.

// receiptLocal is what the syncer uses of a Local that keeps receipts
// (*store.Store); a Local without it keeps none and checks none.
type receiptLocal interface {
	ReceiptKey(ctx context.Context, bureau string) ([]byte, error)
	PinReceiptKey(ctx context.Context, bureau string, pem []byte) ([]byte, error)
	KeepReceiptProofs(ctx context.Context, proofs []app.ReceiptProof) error
}

// receiptRemote is what the syncer uses of a Remote that can fetch the
// bureau's receipt key (*client.Client).
type receiptRemote interface {
	BaseURL() string
	ReceiptKey(ctx context.Context) (protocol.ReceiptKey, error)
}

// receiptError is a receipt that did not verify with the pinned key.
type receiptError struct {
	revision int
	err      error
}

func (e *receiptError) Error() string {
	return fmt.Sprintf("receipt of revision %d: %v", e.revision, e.err)
}

func (e *receiptError) Unwrap() error { return e.err }

// message is what the clerk sees on the filing.
func (e *receiptError) message() string {
	return fmt.Sprintf("数管局对第 %d 版的回执未通过 SM2 验签（%v）。回执可能在途中被篡改，或数管局更换了签名密钥；"+
		"本版本仍在发送队列中，将自动重试。请联系数管局核实回执签名公钥", e.revision, e.err)
}

// receiptKeyState is the pinned key, read once per syncer.
type receiptKeyState struct {
	mu     sync.Mutex
	pub    *ecdsa.PublicKey
	none   bool // the bureau has no receipt key (an older bureau)
	loaded bool
}

// receiptPub returns the bureau's pinned receipt key, pinning the one the
// bureau serves when none is yet. It returns nil, nil when receipts are not
// checked: the Local or Remote cannot, or the bureau has no key. It fails
// when the key cannot be fetched now (the pass then retries).
func (s *Syncer) receiptPub(ctx context.Context) (*ecdsa.PublicKey, error) {
	rl, ok1 := s.local.(receiptLocal)
	rr, ok2 := s.remote.(receiptRemote)
	if !ok1 || !ok2 {
		return nil, nil
	}
	k := &s.receiptKey
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loaded {
		return k.pub, nil
	}
	bureau := rr.BaseURL()
	pem, err := rl.ReceiptKey(ctx, bureau)
	if err != nil {
		return nil, err
	}
	if pem == nil {
		served, err := rr.ReceiptKey(ctx)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Status == http.StatusNotFound {
			s.log.Warn("the bureau serves no receipt key; its receipts are kept unverified", "bureau", bureau)
			k.loaded, k.none = true, true
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("fetch receipt key: %w", err)
		}
		if _, err := protocol.ParseReceiptPublicKey([]byte(served.PEM)); err != nil {
			return nil, fmt.Errorf("the bureau's receipt key: %w", err)
		}
		if pem, err = rl.PinReceiptKey(ctx, bureau, []byte(served.PEM)); err != nil {
			return nil, err
		}
		s.log.Info("pinned the bureau's receipt key", "bureau", bureau, "key_id", served.KeyID)
	}
	pub, err := protocol.ParseReceiptPublicKey(pem)
	if err != nil {
		return nil, fmt.Errorf("pinned receipt key of %s: %w", bureau, err)
	}
	k.pub, k.loaded = pub, true
	return pub, nil
}

// checkReceipts verifies the receipts of revisions nums and keeps those
// that pass (or all, unverified, when the bureau has no key). It returns,
// per receipt, nil or the *receiptError that refuses it; it fails when the
// key cannot be had or the proofs cannot be kept.
func (s *Syncer) checkReceipts(ctx context.Context, rcs []*protocol.Receipt) ([]error, error) {
	errs := make([]error, len(rcs))
	rl, ok := s.local.(receiptLocal)
	if !ok {
		return errs, nil
	}
	pub, err := s.receiptPub(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := s.remote.(receiptRemote); !ok {
		return errs, nil
	}
	proofs := make([]app.ReceiptProof, len(rcs))
	keep := make([]bool, len(rcs))
	check := func(i int) {
		rc := rcs[i]
		if rc == nil {
			return
		}
		raw, err := json.Marshal(rc)
		if err != nil {
			errs[i] = err
			return
		}
		p := app.ReceiptProof{FilingID: rc.FilingID, RevisionID: rc.RevisionID, Revision: rc.Revision,
			BodySHA256: rc.BodySHA256, BodySM3: rc.BodySM3, KeyID: rc.KeyID, Receipt: raw, Checked: s.opts.Now()}
		if pub == nil {
			p.Problem = "数管局未提供回执签名公钥（较早版本的数管局服务器），回执未验签"
		} else if err := protocol.VerifyReceipt(pub, *rc); err != nil {
			errs[i] = &receiptError{revision: rc.Revision, err: err}
			return
		} else {
			p.Verified = true
		}
		proofs[i], keep[i] = p, true
	}
	// An SM2 verification costs about a tenth of a millisecond: a batch of
	// hundreds is checked on every core.
	workers := min(runtime.GOMAXPROCS(0), len(rcs)/32+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(rcs); i += workers {
				check(i)
			}
		})
	}
	wg.Wait()
	var kept []app.ReceiptProof
	for i, p := range proofs {
		if keep[i] {
			kept = append(kept, p)
		}
	}
	for i, err := range errs {
		if err != nil {
			s.log.Warn("receipt refused", "filing", rcs[i].FilingID, "revision", rcs[i].Revision, "err", err)
		}
	}
	if err := rl.KeepReceiptProofs(ctx, kept); err != nil {
		return nil, err
	}
	return errs, nil
}
