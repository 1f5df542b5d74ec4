package console

import (
	"net/http"
	"time"

	"egovdesk/app"
)

type overviewView struct {
	O          Overview
	Statuses   []app.Status
	Now        time.Time
	ReviewDays int    // the review time limit in working days
	Source     string // where the limit comes from
	// Unknown: a step's count cannot be told from the counters (a flow
	// limited to some routes, 郁南's), which the table says under it (its
	// dashes went unexplained; a walkthrough).
	Unknown bool
}

// overview shows the queue in numbers, each linking to the queue filtered.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) {
	o, err := c.b.Overview(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v := overviewView{O: o, Statuses: queueStatuses, Now: c.b.Now()}
	for _, st := range o.Steps {
		v.Unknown = v.Unknown || st.Waiting < 0
	}
	prof := c.b.Profile()
	v.ReviewDays, v.Source = prof.ReviewDays(), "所用办法未规定审核时限，按系统默认"
	if prof != nil && prof.Review != nil {
		v.Source = prof.Regulation + prof.Review.Source
	}
	c.render(w, r, http.StatusOK, "overview", page{Title: "概况", Session: s,
		Data: v})
}
