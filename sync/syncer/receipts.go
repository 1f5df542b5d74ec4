package syncer

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

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

// keyReplacer is a receiptLocal that can replace the pinned key after the
// clerk checked the new one with the bureau (*store.Store).
type keyReplacer interface {
	ReplaceReceiptKey(ctx context.Context, bureau string, old, pem []byte, ch app.ReceiptKeyChange) error
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
	// newKey is set when the receipt is signed by the key the bureau
	// serves now, which is not the pinned one: the bureau changed its key.
	newKey string
}

func (e *receiptError) Error() string {
	return fmt.Sprintf("receipt of revision %d: %v", e.revision, e.err)
}

func (e *receiptError) Unwrap() error { return e.err }

// message is what the clerk sees on the filing.
func (e *receiptError) message() string {
	if e.newKey != "" {
		return fmt.Sprintf("数管局对第 %d 版的回执由数管局新的签名密钥（编号 %s）签署，与本机记录的密钥不同："+
			"数管局可能更换了回执签名密钥。本版本仍在发送队列中；请向数管局核实新密钥编号后，在“设置”中核对并信任新密钥",
			e.revision, GroupKeyID(e.newKey))
	}
	return fmt.Sprintf("数管局对第 %d 版的回执未通过 SM2 验签（%v）。回执可能在途中被篡改，或数管局更换了签名密钥；"+
		"本版本仍在发送队列中，将自动重试。请联系数管局核实回执签名公钥", e.revision, e.err)
}

// KeyChange is a receipt key the bureau serves now that is not the one
// this client pinned, seen on receipts signed with it: the bureau lost its
// key and made a new one — or someone else answers in its name. The
// syncer never trusts it by itself; the clerk checks ServedKeyID with the
// bureau and then calls TrustReceiptKey.
type KeyChange struct {
	PinnedKeyID string    // the key this client checks receipts with
	ServedKeyID string    // the key the bureau serves and signed the refused receipts with
	Seen        time.Time // when a receipt signed with it was last refused
}

// GroupKeyID writes a key ID in groups of four hex digits, as the clerk
// reads it out or compares it with the bureau's notice:
// "3f2a 9c01 …".
func GroupKeyID(id string) string {
	var b strings.Builder
	for i, r := range id {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// receiptKeyState is the pinned key, read once per syncer; a bureau that
// had no key is asked again after Options.ReceiptKeyRecheck.
type receiptKeyState struct {
	mu       sync.Mutex
	pub      *ecdsa.PublicKey
	pinnedID string    // pub's key ID
	none     bool      // the bureau has no receipt key (an older bureau)
	noneAt   time.Time // when it said so
	loaded   bool

	// The key the bureau served when a receipt did not verify with pub,
	// kept while receipts name it.
	served   *ecdsa.PublicKey
	servedID string

	watchedAt time.Time // when watchReceiptKey last asked the bureau
}

// receiptPub returns the bureau's pinned receipt key, pinning the one the
// bureau serves when none is yet. It returns nil, nil when receipts are not
// checked: the Local or Remote cannot, or the bureau has no key (asked
// again once Options.ReceiptKeyRecheck has passed, so that a bureau that
// starts signing receipts is pinned without a restart). It fails when the
// key cannot be fetched now (the pass then retries).
func (s *Syncer) receiptPub(ctx context.Context) (*ecdsa.PublicKey, error) {
	rl, ok1 := s.local.(receiptLocal)
	rr, ok2 := s.remote.(receiptRemote)
	if !ok1 || !ok2 {
		return nil, nil
	}
	k := &s.receiptKey
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loaded && !(k.none && s.opts.Now().Sub(k.noneAt) >= s.opts.ReceiptKeyRecheck) {
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
			if !k.none {
				s.log.Warn("the bureau serves no receipt key; its receipts are kept unverified", "bureau", bureau)
			}
			k.loaded, k.none, k.noneAt, k.pub = true, true, s.opts.Now(), nil
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
	id, err := protocol.ReceiptKeyID(pub)
	if err != nil {
		return nil, err
	}
	k.pub, k.pinnedID, k.loaded, k.none = pub, id, true, false
	return pub, nil
}

// servedKey returns the key the bureau serves now when it is the key named
// id and not the pinned one, nil when it is not (or cannot be had now: the
// receipt is then refused as any other).
func (s *Syncer) servedKey(ctx context.Context, id string) *ecdsa.PublicKey {
	rr, ok := s.remote.(receiptRemote)
	if !ok || id == "" {
		return nil
	}
	k := &s.receiptKey
	k.mu.Lock()
	defer k.mu.Unlock()
	if id == k.pinnedID {
		return nil
	}
	if k.served != nil && k.servedID == id {
		return k.served
	}
	served, err := rr.ReceiptKey(ctx)
	if err != nil {
		s.log.Info("fetch the bureau's receipt key after a refused receipt", "err", err)
		return nil
	}
	pub, err := protocol.ParseReceiptPublicKey([]byte(served.PEM))
	if err != nil {
		s.log.Warn("the bureau's receipt key", "err", err)
		return nil
	}
	// The key's ID is computed from the key, not taken from the answer.
	sid, err := protocol.ReceiptKeyID(pub)
	if err != nil || sid != id {
		return nil
	}
	k.served, k.servedID = pub, sid
	return pub
}

// noteKeyChange records that receipts signed with the bureau's served key
// servedID were refused, for the UI (Status.KeyChange).
func (s *Syncer) noteKeyChange(servedID string) {
	k := &s.receiptKey
	k.mu.Lock()
	pinned := k.pinnedID
	k.mu.Unlock()
	if pinned == "" || pinned == servedID {
		return // the clerk trusted the served key while these receipts were checked
	}
	now := s.opts.Now()
	s.setStatus(func(st *Status) {
		if st.KeyChange == nil || st.KeyChange.ServedKeyID != servedID || st.KeyChange.PinnedKeyID != pinned {
			s.log.Warn("the bureau signs receipts with a key other than the pinned one", "pinned", pinned, "served", servedID)
		}
		st.KeyChange = &KeyChange{PinnedKeyID: pinned, ServedKeyID: servedID, Seen: now}
	})
}

// ErrKeyIDMismatch is returned by TrustReceiptKey when the key the bureau
// serves is not the one the clerk confirmed.
var ErrKeyIDMismatch = app.Errorf(app.ECONFLICT, "数管局现在使用的回执签名密钥与您核对的编号不一致，未信任。请重新向数管局核实")

// TrustReceiptKey trusts the receipt key the bureau serves now in place of
// the pinned one, after the clerk checked its ID with the bureau (a notice,
// a telephone call): it fetches the served key again, computes its ID and
// fails with ErrKeyIDMismatch unless it is keyID (hex; spaces and case do
// not matter); then it replaces the pinned key in the store (keeping the
// change in its history), forgets the cached key and the KeyChange, and
// kicks the loop so that the outbox goes out with receipts checked with the
// new key. Errors are Chinese (app.ErrorMessage).
func (s *Syncer) TrustReceiptKey(ctx context.Context, keyID string) error {
	rl, ok1 := s.local.(receiptLocal)
	kr, ok2 := s.local.(keyReplacer)
	rr, ok3 := s.remote.(receiptRemote)
	if !ok1 || !ok2 || !ok3 {
		return app.Errorf(app.EINVALID, "本机不核对数管局的回执签名")
	}
	keyID = strings.ToLower(strings.Join(strings.Fields(keyID), ""))
	served, err := rr.ReceiptKey(ctx)
	if err != nil {
		return app.Errorf(app.EUNAVAILABLE, "无法从数管局取得回执签名密钥：%s", client.Message(err))
	}
	pub, err := protocol.ParseReceiptPublicKey([]byte(served.PEM))
	if err != nil {
		return app.Errorf(app.EINVALID, "数管局提供的回执签名密钥无法读取：%v", err)
	}
	id, err := protocol.ReceiptKeyID(pub)
	if err != nil {
		return err
	}
	if id != keyID || served.KeyID != id {
		s.log.Warn("receipt key not trusted: not the one confirmed", "confirmed", keyID, "served", id)
		return ErrKeyIDMismatch
	}
	if err := s.replaceKey(ctx, rl, kr, rr.BaseURL(), served.PEM, id); err != nil {
		return err
	}
	s.setStatus(func(st *Status) { st.KeyChange = nil })
	s.Kick()
	return nil
}

// replaceKey pins pem (of key ID id) for bureau in place of the pinned
// key and forgets the cached one.
func (s *Syncer) replaceKey(ctx context.Context, rl receiptLocal, kr keyReplacer, bureau, pem, id string) error {
	k := &s.receiptKey
	k.mu.Lock()
	defer k.mu.Unlock()
	old, err := rl.ReceiptKey(ctx, bureau)
	if err != nil {
		return err
	}
	switch {
	case old == nil:
		_, err = rl.PinReceiptKey(ctx, bureau, []byte(pem))
	case string(old) == pem:
	default:
		ch := app.ReceiptKeyChange{NewKeyID: id, At: s.opts.Now()}
		if oldPub, perr := protocol.ParseReceiptPublicKey(old); perr == nil {
			ch.OldKeyID, _ = protocol.ReceiptKeyID(oldPub)
		}
		err = kr.ReplaceReceiptKey(ctx, bureau, old, []byte(pem), ch)
		if err == nil {
			s.log.Warn("the clerk trusted the bureau's new receipt key", "bureau", bureau, "old", ch.OldKeyID, "new", id)
		}
	}
	if err != nil {
		return err
	}
	k.loaded, k.none, k.pub, k.pinnedID, k.served, k.servedID = false, false, nil, "", nil, ""
	return nil
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
	s.newKeyReceipts(ctx, rcs, errs)
	if pub != nil && slices.Contains(keep, true) {
		// The bureau signs with the pinned key (again: it restored its
		// key from a backup): nothing for the clerk to check.
		s.setStatus(func(st *Status) { st.KeyChange = nil })
	}
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

// newKeyReceipts looks, for receipts refused because another key signed
// them, whether that key is the one the bureau serves now and the receipt
// verifies with it: then the bureau changed its key, the refusal says so
// and Status.KeyChange asks the clerk to check the new key. The receipts
// stay refused either way.
func (s *Syncer) newKeyReceipts(ctx context.Context, rcs []*protocol.Receipt, errs []error) {
	seen := ""
	for i, err := range errs {
		var re *receiptError
		if !errors.As(err, &re) || !errors.Is(err, protocol.ErrReceiptKeyID) {
			continue
		}
		pub := s.servedKey(ctx, rcs[i].KeyID)
		if pub == nil || protocol.VerifyReceipt(pub, *rcs[i]) != nil {
			continue
		}
		re.newKey, seen = rcs[i].KeyID, rcs[i].KeyID
	}
	if seen != "" {
		s.noteKeyChange(seen)
	}
}

// watchReceiptKey compares, at most every Options.ReceiptKeyRecheck, the
// key the bureau serves with the pinned one, so that a changed key is
// reported (Status.KeyChange) although no receipt was refused yet: a
// clerk with nothing to send would otherwise learn of it only with the
// next submission. As with a refused receipt, nothing is trusted by
// itself. A bureau that serves the pinned key again clears the report.
func (s *Syncer) watchReceiptKey(ctx context.Context) {
	rr, ok := s.remote.(receiptRemote)
	if !ok {
		return
	}
	pub, err := s.receiptPub(ctx)
	if err != nil || pub == nil {
		return
	}
	k := &s.receiptKey
	now := s.opts.Now()
	k.mu.Lock()
	if !k.watchedAt.IsZero() && now.Sub(k.watchedAt) < s.opts.ReceiptKeyRecheck {
		k.mu.Unlock()
		return
	}
	k.watchedAt = now
	pinned := k.pinnedID
	k.mu.Unlock()
	served, err := rr.ReceiptKey(ctx)
	if err != nil {
		s.log.Info("look at the bureau's receipt key", "err", err)
		return
	}
	spub, err := protocol.ParseReceiptPublicKey([]byte(served.PEM))
	if err != nil {
		s.log.Warn("the bureau's receipt key", "err", err)
		return
	}
	id, err := protocol.ReceiptKeyID(spub)
	if err != nil {
		return
	}
	if id == pinned {
		s.setStatus(func(st *Status) {
			if st.KeyChange != nil && st.KeyChange.PinnedKeyID == pinned {
				st.KeyChange = nil
			}
		})
		return
	}
	k.mu.Lock()
	k.served, k.servedID = spub, id
	k.mu.Unlock()
	s.log.Warn("the bureau serves another receipt key than the one pinned", "pinned", pinned, "served", id)
	s.setStatus(func(st *Status) {
		st.KeyChange = &KeyChange{PinnedKeyID: pinned, ServedKeyID: id, Seen: now}
		st.NeedsAction = true
	})
}
