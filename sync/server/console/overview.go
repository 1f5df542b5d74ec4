package console

import (
	"net/http"
	"time"

	"egovdesk/app"
)

type overviewView struct {
	O        Overview
	Statuses []app.Status
	Now      time.Time
}

// overview shows the queue in numbers, each linking to the queue filtered.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) {
	o, err := c.b.Overview(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "overview", page{Title: "概况", Session: s,
		Data: overviewView{O: o, Statuses: queueStatuses, Now: c.b.Now()}})
}
