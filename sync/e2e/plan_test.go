package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/sync/syncer"
)

// plan is a deterministic set of filings: the same seed gives the same IDs,
// names and attachment bytes in every process, so a parent knows what a
// child it killed was asked to submit.
type plan struct {
	seed uint64
	n    int
	// maxFile is the largest attachment (the smallest is 2 KB); sizes are
	// log-uniform in between. Zero means 300 KB.
	maxFile int
}

// planned is one filing of a plan.
type planned struct {
	i     int
	id    string
	revID string
	name  string
	files []plannedFile
}

type plannedFile struct {
	name string
	data []byte
	sha  string
}

func (p plan) uuid(i int, what string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "egovdesk-e2e/%d/%d/%s", p.seed, i, what)).String()
}

// filing returns filing i of the plan. About a third have no attachment, the
// rest one to three; one in twenty also carries a template shared with
// other filings (content-addressed, so uploaded once).
func (p plan) filing(i int) planned {
	rng := rand.New(rand.NewPCG(p.seed, uint64(i)))
	f := planned{i: i, id: p.uuid(i, "filing"), revID: p.uuid(i, "revision"),
		name: fmt.Sprintf("霍邱县城关镇第%03d号政务信息化项目", i)}
	k := 0
	switch r := rng.IntN(10); {
	case r >= 9:
		k = 3
	case r >= 7:
		k = 2
	case r >= 3:
		k = 1
	}
	maxFile := p.maxFile
	if maxFile == 0 {
		maxFile = 300 << 10
	}
	for j := range k {
		size := int(2048 * math.Exp(rng.Float64()*math.Log(float64(maxFile)/2048)))
		f.files = append(f.files, newFile(fmt.Sprintf("第%03d号附件%d.pdf", i, j+1), p.seed, uint64(i*4+j), size))
	}
	if rng.IntN(20) == 0 {
		f.files = append(f.files, newFile("统一申报模板.pdf", p.seed, math.MaxUint32, 20<<10))
	}
	return f
}

func newFile(name string, seed, stream uint64, size int) plannedFile {
	var key [32]byte
	for b := range 8 {
		key[b] = byte(seed >> (8 * b))
		key[8+b] = byte(stream >> (8 * b))
	}
	data := make([]byte, size)
	_, _ = rand.NewChaCha8(key).Read(data)
	return plannedFile{name: name, data: data, sha: sha256Hex(data)}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// shas returns every distinct attachment hash of the plan with its size.
func (p plan) shas() map[string]int64 {
	out := map[string]int64{}
	for i := range p.n {
		for _, f := range p.filing(i).files {
			out[f.sha] = int64(len(f.data))
		}
	}
	return out
}

// ensureSubmitted brings filing pf to "submitted" in the local store, picking
// up where an earlier, killed process stopped: the draft (with its
// attachment files) is saved if it is missing, then submitted if it is
// still a draft. Each step is one store transaction, so a kill leaves either
// the step done or not.
func ensureSubmitted(ctx context.Context, st *store.Store, blobs *syncer.BlobDir, unitID string, pf planned) error {
	f, err := st.Get(ctx, pf.id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		if f, err = pf.draft(ctx, blobs, unitID); err != nil {
			return err
		}
		if err := st.Save(ctx, f); err != nil {
			return fmt.Errorf("save %d: %w", pf.i, err)
		}
	} else if err != nil {
		return fmt.Errorf("get %d: %w", pf.i, err)
	}
	if f.Status != app.StatusDraft {
		return nil
	}
	if _, err := st.Submit(ctx, pf.id, "李梅", time.Now()); err != nil {
		return fmt.Errorf("submit %d: %w", pf.i, err)
	}
	return nil
}

// draft returns the filing as a clerk would have drafted it, its
// attachments imported into blobs.
func (pf planned) draft(ctx context.Context, blobs *syncer.BlobDir, unitID string) (*app.Filing, error) {
	f, err := app.NewFiling(app.KindDeclaration, pf.id, pf.revID, unitID, time.Now())
	if err != nil {
		return nil, err
	}
	f.Declaration = apptest.Declaration()
	f.Declaration.ProjectName = pf.name
	for _, pfile := range pf.files {
		a, err := blobs.ImportReader(ctx, pfile.name, bytes.NewReader(pfile.data))
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", pfile.name, err)
		}
		a.Material = "proposal"
		f.Attachments = append(f.Attachments, a)
	}
	return f, nil
}
