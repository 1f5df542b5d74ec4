package protocol_test

import (
	"encoding/json"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// TestOpenAPIStatesTheRemarkLimits fails when the limits of a decision's
// remarks on fields (app/limits.go) differ from what openapi.json states.
func TestOpenAPIStatesTheRemarkLimits(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					MaxProperties int `json:"maxProperties"`
					PropertyNames struct {
						MaxLength int    `json:"maxLength"`
						Pattern   string `json:"pattern"`
					} `json:"propertyNames"`
					AdditionalProperties struct {
						MaxLength int `json:"maxLength"`
					} `json:"additionalProperties"`
					Minimum *int `json:"minimum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(protocol.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.Components.Schemas["DecisionRequest"].Properties["remarks"]
	if r.MaxProperties != app.MaxRemarks || r.PropertyNames.MaxLength != app.MaxRemarkField ||
		r.PropertyNames.Pattern != app.RemarkFieldExpr || r.AdditionalProperties.MaxLength != app.MaxRemarkText {
		t.Errorf("DecisionRequest.remarks states %+v, want %d remarks of %d characters, paths of %d matching %s",
			r, app.MaxRemarks, app.MaxRemarkText, app.MaxRemarkField, app.RemarkFieldExpr)
	}
	if a := doc.Components.Schemas["DecisionRequest"].Properties["approved"]; a.Minimum == nil || *a.Minimum != 1 {
		t.Errorf("DecisionRequest.approved minimum %v, want 1", a.Minimum)
	}
}
