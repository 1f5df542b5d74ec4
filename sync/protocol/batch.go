package protocol

// MaxBatch is the most submissions one POST /submissions may carry. The
// request must also fit in Limits.MaxBodyBytes.
const MaxBatch = 200

// BatchSubmitRequest is the body of POST /submissions: up to MaxBatch
// revisions, each exactly as POST /filings/{id}/revisions/{rev} takes it.
// The bureau applies them in order and stores the accepted ones durably
// together (one commit); a revision it refuses does not affect the others.
type BatchSubmitRequest struct {
	Submissions []SubmitRequest `json:"submissions"`
}

// BatchSubmitResponse is the answer to POST /submissions: one result per
// submission, in request order.
type BatchSubmitResponse struct {
	Results []BatchResult `json:"results"`
}

// BatchResult is the outcome of one submission of a batch: exactly one of
// Receipt and Problem is set, the same receipt or problem the single
// endpoint would have answered. Status is the HTTP status the single
// endpoint would have sent: 201 for a new revision, 200 for a resent one,
// the problem's status otherwise.
type BatchResult struct {
	Status  int      `json:"status"`
	Receipt *Receipt `json:"receipt,omitempty"`
	Problem *Problem `json:"problem,omitempty"`
}
