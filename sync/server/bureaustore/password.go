package bureaustore

import "time"

// PasswordSet is a password being set on an account (SetAccountPassword).
type PasswordSet struct {
	Hash       string    // the new password, an argon2id PHC string
	Changed    time.Time // when it is set
	MustChange bool      // set by an admin: the holder must change it at the next login
	Keep       int       // how many earlier hashes the account keeps for the reuse rule (0: none)
}

// SetPassword applies set to rec, the rule every backend's
// SetAccountPassword follows: the old hash goes to the front of the
// history, which keeps the set.Keep newest.
func SetPassword(rec *Account, set PasswordSet) {
	hist := rec.PasswordHistory
	if rec.Password != "" && set.Keep > 0 {
		hist = append([]string{rec.Password}, hist...)
	}
	if len(hist) > set.Keep {
		hist = hist[:max(set.Keep, 0)]
	}
	if len(hist) == 0 {
		hist = nil
	}
	rec.Password, rec.PasswordHistory = set.Hash, hist
	rec.PasswordChanged, rec.MustChange = set.Changed.UTC(), set.MustChange
}

// SessionIdle reports whether a session token t has gone unused for idle
// at now (idle ≤ 0: never).
func SessionIdle(t Token, now time.Time, idle time.Duration) bool {
	last := t.LastUsed
	if last.IsZero() {
		last = t.Created
	}
	return idle > 0 && !now.Before(last.Add(idle))
}
