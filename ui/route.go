package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"egovdesk/app"
)

// refusedRoutes returns, by filing ID, the route of each of ids, refused
// declarations, which names its refusal (app.Profile.StatusOn: 不予备案 for
// a 备案 project, which the list and the inbox called 不予立项 while the
// console said 不予备案). It reads each filing, off the Fyne thread:
// refusals are few. A filing it cannot read is left out (its kind's words
// are used).
func refusedRoutes(ctx context.Context, s Store, prof *app.Profile, ids []string) map[string]string {
	if len(ids) == 0 {
		return nil
	}
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		f, err := s.Get(ctx, id)
		if err != nil {
			if ctx.Err() == nil && app.ErrorCode(err) != app.ENOTFOUND {
				fyne.LogError("route of "+id, err)
			}
			continue
		}
		out[id] = prof.RouteOf(f)
	}
	return out
}
