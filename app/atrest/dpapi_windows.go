package atrest

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// dpapi wraps the data key with CryptProtectData in the user's scope: only
// this Windows account on this computer can unwrap it (the key derives
// from the account's logon credentials), and nothing is asked at start.
type dpapi struct{}

// SystemProtector returns the DPAPI protector; user is unused on Windows.
func SystemProtector(user string) Protector { return dpapi{} }

func (dpapi) Method() string { return MethodDPAPI }

var dpapiEntropy = []byte("egovdesk data key v1")

func blob(b []byte) *windows.DataBlob {
	if len(b) == 0 {
		return &windows.DataBlob{}
	}
	return &windows.DataBlob{Size: uint32(len(b)), Data: &b[0]}
}

func takeBlob(out *windows.DataBlob) []byte {
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...)
}

func (dpapi) Protect(secret []byte) ([]byte, error) {
	var out windows.DataBlob
	name, _ := windows.UTF16PtrFromString("egovdesk")
	if err := windows.CryptProtectData(blob(secret), name, blob(dpapiEntropy), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
		return nil, fmt.Errorf("CryptProtectData: %w", err)
	}
	return takeBlob(&out), nil
}

func (dpapi) Unprotect(wrapped []byte) ([]byte, error) {
	var out windows.DataBlob
	if err := windows.CryptUnprotectData(blob(wrapped), nil, blob(dpapiEntropy), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
		// Another account or a machine without this profile's master key.
		return nil, fmt.Errorf("%w: CryptUnprotectData: %v", ErrKeyGone, err)
	}
	return takeBlob(&out), nil
}
