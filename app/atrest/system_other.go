//go:build !linux && !windows

package atrest

// SystemProtector returns nil: on this system the data key needs a
// passphrase.
func SystemProtector(user string) Protector { return nil }
