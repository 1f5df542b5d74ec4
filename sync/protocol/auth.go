package protocol

import (
	"time"

	"egovdesk/app"
)

// LoginRequest is the body of POST /login.
type LoginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// PasswordChangeRequest is the body of POST /password: the login, its
// current password and the new one. The answer is a LoginResponse, as a
// login's; the account's other tokens are revoked.
type PasswordChangeRequest struct {
	Login       string `json:"login"`
	Password    string `json:"password"`
	NewPassword string `json:"new_password"`
}

// LoginResponse is the answer to a successful login: an opaque bearer token
// that stops working at Expires or when revoked, and who the caller is.
type LoginResponse struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
	Account Account   `json:"account"`
}

// Account is who a token belongs to. UnitID, UnitName and UnitCode (the
// unit's 统一社会信用代码) are empty for the bureau's own reviewers and admins.
type Account struct {
	ID       string   `json:"id"`
	Login    string   `json:"login"`
	Name     string   `json:"name"`
	Role     app.Role `json:"role"`
	UnitID   string   `json:"unit_id,omitempty"`
	UnitName string   `json:"unit_name,omitempty"`
	UnitCode string   `json:"unit_code,omitempty"`
}
