package ui

import (
	"context"
	"fmt"
	"time"

	"egovdesk/app"
)

// projectDeadlines returns the deadlines of the unit's projects whose
// anchor event is known from the filings on this computer (see
// app.Profile.ProjectDeadlines), labelled with the project's name. It reads
// the filings' summaries, no document; call it off the Fyne thread.
func projectDeadlines(ctx context.Context, s Store, prof *app.Profile, now time.Time) ([]app.Deadline, error) {
	if prof == nil {
		return nil, nil
	}
	anchors, err := s.Anchors(ctx)
	if err != nil {
		return nil, fmt.Errorf("read deadline anchors: %w", err)
	}
	pds := prof.ProjectDeadlines(anchors, now)
	out := make([]app.Deadline, len(pds))
	for i, pd := range pds {
		out[i] = pd.Deadline
		out[i].Label = Tf("《%s》%s", pd.Name, pd.Label)
	}
	return out, nil
}
