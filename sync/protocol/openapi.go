package protocol

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// OpenAPI is the OpenAPI 3.1 document of the API (openapi.json), served by
// the bureau at PathOpenAPI.
//
//go:embed openapi.json
var OpenAPI []byte

// Operations returns "METHOD /path" for every operation the OpenAPI document
// describes, sorted, in the form of the server's route patterns. It fails
// when the document is not valid JSON.
func Operations() ([]string, error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		return nil, fmt.Errorf("parse openapi.json: %w", err)
	}
	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "head", "post", "put", "patch", "delete", "options":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(ops)
	return ops, nil
}
