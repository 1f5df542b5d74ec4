// Package app is the domain of egovdesk: the filings a project unit drafts
// (project declarations, data-sharing resource catalogues, trial-operation
// reports and completion acceptance applications), the rule profiles of the
// jurisdictions that receive them, their validation and the review workflow.
//
// The package imports only the standard library. The desktop client validates
// offline with it and the bureau server re-validates with the same code, so
// the rules live here once.
package app
