package server

import (
	"net/http"
	"sync"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// inflight counts the requests each account has in progress. One account
// — a clerk's token, the weakest there is — could otherwise have the
// server build as many answers as it has connections (found from outside:
// 1,000 connections of one clerk, each asking for three 1 MB restore pages
// and reading nothing, held 1.3 GB until their deadlines cut them). A
// desktop client has a long poll and a few requests in progress; a
// reviewer's browser six; Config.AccountRequests (64) leaves room for an
// account used on several machines.
type inflight struct {
	mu sync.Mutex
	n  map[string]int
}

// acquire counts a request of account, when it has fewer than max in
// progress (max < 0: no limit); release gives the place back.
func (f *inflight) acquire(account string, max int) (release func(), ok bool) {
	if max < 0 {
		return func() {}, true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = map[string]int{}
	}
	if f.n[account] >= max {
		return nil, false
	}
	f.n[account]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[account]--; f.n[account] <= 0 {
			delete(f.n, account)
		}
	}, true
}

// tooManyInProgress is the answer to a request over the account's limit.
func (s *Server) tooManyInProgress(w http.ResponseWriter) error {
	w.Header().Set(protocol.HeaderRetryAfter, "1")
	return app.Errorf(app.ETOOMANY, "本账号同时进行的请求过多（最多 %d 个），请稍后再试", s.cfg.AccountRequests)
}
