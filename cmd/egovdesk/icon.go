package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"egovdesk/assets"
)

// writeIcon writes the client's icon where the notification daemon can
// read it, and returns its path.
func writeIcon() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	path := filepath.Join(dir, "egovdesk", "icon.png")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, assets.Icon) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("write icon: %w", err)
	}
	if err := os.WriteFile(path, assets.Icon, 0o600); err != nil {
		return "", fmt.Errorf("write icon: %w", err)
	}
	return path, nil
}
