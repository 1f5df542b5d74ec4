package bureaustore

import (
	"slices"

	"egovdesk/app"
	"egovdesk/sync/server/console"
)

// The rules of a profile's review steps (app.ReviewFlow) that the stores
// apply: what a queue entry says of a joint step, whom it waits for, and
// which views concurrences leave current. Pure functions, like rules.go.

// QueueEntry returns the queue entry of fr, a filing awaiting review, as
// far as its record says: everything but the facts of its content (Year,
// Total: QueueFacts) and the route and time limit the queue works out when
// read. Concurred are the departments that concurred at the joint step it
// waits at (app.Concurred), which Waiting needs. unitName may be empty
// for the store to fill in.
func QueueEntry(fr Filing, unitName string) console.QueueItem {
	f := fr.Filing
	return console.QueueItem{ID: f.ID, Kind: f.Kind, Title: fr.Title, UnitID: f.UnitID, UnitName: unitName,
		Status: f.Status, Revision: f.Revision.Number, Since: app.EnteredStep(f.History, f.Updated), Concurred: app.Concurred(f.History, f.Status)}
}

// Waiting returns the queue's filter (console.QueueQuery.Waiting) for an
// account of role under prof: the entries waiting at a step of their
// review flow that role takes and, at a joint step, has not concurred at
// yet. Entries no flow of prof covers (every entry when prof is nil or
// has no flows) wait for the reviewers and admins. Entries must carry
// their route (filled in under the same profile) and Concurred.
func Waiting(prof *app.Profile, role app.Role) func(console.QueueItem) bool {
	return func(e console.QueueItem) bool {
		return prof.Waiting(e.Kind, e.Route, e.Status, e.Concurred, role)
	}
}

// OnlyConcurredSince reports whether f moved on from the view seen only
// by concurrences of departments at a joint step (联审同意): those leave
// the filing as it was, so a department that decides on a view without
// another's concurrence decided on what is still there.
func OnlyConcurredSince(f app.Filing, seen Expected) bool {
	if f.Revision.ID != seen.RevisionID || seen.Transitions < 0 || seen.Transitions >= len(f.History) {
		return false
	}
	for _, t := range f.History[seen.Transitions:] {
		if t.Action != app.ActionConcur {
			return false
		}
	}
	return true
}

// StepLoads counts the queue by the review steps of prof's flows, from
// the queue's counts by kind and status: each flow's steps grouped by the
// status they wait in (a joint review and the approval after it share
// one), with the filings of the kinds the flow covers in that status. A
// kind belongs to the first flow that names it (or names no kinds). A
// flow limited to some routes is not counted (Waiting -1): the counters
// do not know a declaration's route.
func StepLoads(prof *app.Profile, byKindStatus map[app.Kind]map[app.Status]int) []console.StepLoad {
	if prof == nil {
		return nil
	}
	covers := func(fl app.ReviewFlow, k app.Kind) bool { return len(fl.Kinds) == 0 || slices.Contains(fl.Kinds, k) }
	owner := func(k app.Kind) int {
		for i, fl := range prof.Flows {
			if covers(fl, k) {
				return i
			}
		}
		return -1
	}
	// split reports whether flow i's filings cannot be told from the
	// counters: it takes some routes only, or a flow before it that takes
	// one of its kinds does (the rest of that kind comes here).
	split := func(i int) bool {
		for j, fl := range prof.Flows[:i+1] {
			if len(fl.Routes) == 0 {
				continue
			}
			if j == i {
				return true
			}
			for _, k := range app.AllKinds() {
				if covers(fl, k) && covers(prof.Flows[i], k) {
					return true
				}
			}
		}
		return false
	}
	var out []console.StepLoad
	for i, fl := range prof.Flows {
		for _, s := range fl.Steps {
			roles := s.RoleNames()
			if n := len(out); n > 0 && out[n-1].Status == s.Status && out[n-1].Flow == i {
				out[n-1].Steps = append(out[n-1].Steps, s.Label)
				out[n-1].Roles = append(out[n-1].Roles, roles...)
				continue
			}
			l := console.StepLoad{Flow: i, Kinds: fl.Kinds, Steps: []string{s.Label}, Roles: roles, Status: s.Status}
			if split(i) {
				l.Waiting = -1
			} else {
				for k, byStatus := range byKindStatus {
					if owner(k) == i {
						l.Waiting += byStatus[s.Status]
					}
				}
			}
			out = append(out, l)
		}
	}
	return out
}
