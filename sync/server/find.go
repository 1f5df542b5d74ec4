package server

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// Finding filings in every status (the console's 查找材料). The review
// queue's index holds only the filings under review; a filing returned,
// approved, filed or rejected is found by reading the records of its
// unit's filings (one unit's, or every unit's in turn), which the stores
// keep by unit without their bodies.
const (
	// findScanLimit is how many filing records one search reads at most:
	// every filing of a county's bureau (a few hundred units of tens to
	// hundreds each), 0.65–0.85 s of a core (BenchmarkConsoleFind,
	// docs/benchmarks.md). Records are read by unit and ID, not by time.
	// Past it the page says the search stopped and asks for a unit.
	findScanLimit = 50_000
	findPageSize  = 50
	findMaxOffset = 10_000 // how deep the pages go (200 pages of 50)
	findBatch     = 500    // records read from the store at a time
	// findAtOnce is how many searches run at once, over every session: a
	// search of the whole bureau is up to a second of a core, and the
	// queries of the queue and the clerks' pushes must not wait behind a
	// reviewer pressing 查找 again and again. The others wait their turn
	// as long as their request does.
	findAtOnce = 2
)

func (c core) Find(ctx context.Context, token string, q console.FindQuery) (console.FindPage, error) {
	if _, err := c.reviewer(token); err != nil {
		return console.FindPage{}, err
	}
	return c.s.find(ctx, q)
}

func (s *Server) find(ctx context.Context, q console.FindQuery) (console.FindPage, error) {
	select {
	case s.finding <- struct{}{}:
		defer func() { <-s.finding }()
	case <-ctx.Done():
		return console.FindPage{}, ctx.Err()
	}
	if q.Limit <= 0 || q.Limit > findPageSize {
		q.Limit = findPageSize
	}
	q.Offset = min(max(q.Offset, 0), findMaxOffset)
	// as typed, or in the words titles are stored in (reviewQueue)
	text := strings.TrimSpace(app.SearchFold(q.Text))
	stored := strings.TrimSpace(app.SearchFold(s.profile.Load().StoredTitleWords(q.Text)))
	keep := q.Offset + q.Limit
	newestFirst := func(a, b console.FindItem) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	var page console.FindPage
	var found []console.FindItem
	scan, err := s.scanUnits(ctx, q.UnitID, func(fr bureaustore.Filing, unitName string) {
		f := fr.Filing
		if q.Kind != "" && f.Kind != q.Kind || q.Status != "" && f.Status != q.Status {
			return
		}
		title := app.SearchFold(fr.Title)
		if text != "" && !strings.Contains(title, text) && !strings.Contains(title, stored) && !strings.HasPrefix(f.ID, text) &&
			!strings.Contains(app.SearchFold(unitName), text) { // as the queue's 名称: project or unit
			return
		}
		page.Matching++
		found = append(found, console.FindItem{ID: f.ID, Kind: f.Kind, Title: fr.Title, UnitID: f.UnitID,
			UnitName: unitName, Status: f.Status, Revision: f.Revision.Number, Updated: f.Updated})
		if len(found) >= 2*keep+findBatch { // keep memory to the pages asked for
			slices.SortFunc(found, newestFirst)
			found = found[:keep]
		}
	})
	if err != nil {
		return console.FindPage{}, err
	}
	page.Scanned, page.Partial = scan.scanned, scan.partial
	slices.SortFunc(found, newestFirst)
	if q.Offset < len(found) {
		page.Items = found[q.Offset:min(len(found), keep)]
	}
	// A refused declaration is named by its route (不予备案 for a 备案
	// project): its body is read for the page's few, not while scanning.
	for i := range page.Items {
		it := &page.Items[i]
		it.Route = s.refusedRoute(ctx, it.UnitID, &app.Filing{ID: it.ID, Kind: it.Kind, Status: it.Status})
	}
	return page, nil
}

// unitScan is how far scanUnits read.
type unitScan struct {
	scanned int  // filing records read
	partial bool // it stopped at findScanLimit
}

// scanUnits reads the filing records of unit ("" every unit, in turn) in
// batches, calling fn with each and its unit's name, up to findScanLimit
// records. It fails with EINVALID for a unit the bureau does not have,
// with ctx's error when the reviewer left, or a wrapped storage error.
func (s *Server) scanUnits(ctx context.Context, unit string, fn func(fr bureaustore.Filing, unitName string)) (unitScan, error) {
	var sc unitScan
	units, err := s.store.Units(ctx)
	if err != nil {
		return sc, err
	}
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	scan := make([]string, 0, len(units))
	if unit != "" {
		if _, ok := names[unit]; !ok {
			return sc, app.Errorf(app.EINVALID, "没有这个建设单位，请从列表中选择")
		}
		scan = append(scan, unit)
	} else {
		for _, u := range units {
			scan = append(scan, u.ID)
		}
	}
	for _, unit := range scan {
		after := ""
		for {
			if err := ctx.Err(); err != nil {
				return sc, err // the reviewer left
			}
			if sc.scanned >= findScanLimit {
				sc.partial = true
				return sc, nil
			}
			frs, more, err := s.store.UnitFilingsPage(ctx, unit, after, min(findBatch, findScanLimit-sc.scanned))
			if err != nil {
				return sc, fmt.Errorf("filings of %s: %w", unit, err)
			}
			sc.scanned += len(frs)
			for _, fr := range frs {
				fn(fr, names[fr.Filing.UnitID])
			}
			if !more || len(frs) == 0 {
				break
			}
			after = frs[len(frs)-1].Filing.ID
		}
	}
	return sc, nil
}
