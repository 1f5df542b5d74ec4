package server

import (
	"context"

	"egovdesk/sync/server/bureaustore"
)

// AuditTrail reads s's whole security audit trail.
func AuditTrail(tb interface{ Fatal(...any) }, s *Server) []bureaustore.AuditEvent {
	var out []bureaustore.AuditEvent
	q := bureaustore.AuditQuery{Limit: 1000}
	for {
		p, err := s.store.AuditEvents(context.Background(), q)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, p.Events...)
		if !p.More {
			return out
		}
		q.After = p.Events[len(p.Events)-1].Seq
	}
}

// RecordPolicy is s.recordPolicy, which Run calls at the start.
func RecordPolicy(s *Server) error { return s.recordPolicy(context.Background()) }

// AppendAudit adds e to s's trail, as the bureau's own operations do.
func AppendAudit(tb interface{ Fatal(...any) }, s *Server, e bureaustore.AuditEvent) {
	if _, err := s.store.AppendAudit(context.Background(), e); err != nil {
		tb.Fatal(err)
	}
}
