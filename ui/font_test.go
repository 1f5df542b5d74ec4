package ui

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/font/opentype/tables"

	"egovdesk/assets"
)

// bundledCmap returns the character map of one of the bundled faces, read
// with the go-text library Fyne draws text with.
func bundledCmap(t *testing.T, name string, data []byte) font.Cmap {
	t.Helper()
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	raw, err := ld.RawTable(ot.MustNewTag("cmap"))
	if err != nil {
		t.Fatalf("%s: no cmap: %v", name, err)
	}
	ct, _, err := tables.ParseCmap(raw)
	if err != nil {
		t.Fatalf("%s: cmap: %v", name, err)
	}
	cm, _, err := font.ProcessCmap(ct, 0)
	if err != nil {
		t.Fatalf("%s: cmap: %v", name, err)
	}
	return cm
}

// programChars returns every non-ASCII character of the text the client can
// show, each with one place it comes from: the translations and rule profiles
// it embeds, and the string literals of the client's Go sources (ui/, app/,
// cmd/egovdesk/; tests excluded).
func programChars(t *testing.T) map[rune]string {
	t.Helper()
	chars := map[rune]string{}
	add := func(s, where string) {
		for _, r := range s {
			if r > 0x7e {
				if _, ok := chars[r]; !ok {
					chars[r] = where
				}
			}
		}
	}
	for _, e := range []struct {
		fsys fs.FS
		dir  string
	}{{assets.Translations, "translations"}, {assets.Profiles, "profiles"}} {
		files, err := fs.ReadDir(e.fsys, e.dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := fs.ReadFile(e.fsys, e.dir+"/"+f.Name())
			if err != nil {
				t.Fatal(err)
			}
			add(string(data), "assets/"+e.dir+"/"+f.Name())
		}
	}
	nfiles := 0
	for _, dir := range []string{".", "../app", "../cmd/egovdesk"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "third_party" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			nfiles++
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
					return true
				}
				add(s, fset.Position(lit.Pos()).String())
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if nfiles < 50 || len(chars) < 500 {
		t.Fatalf("read %d Go files with %d non-ASCII characters: not the client's sources", nfiles, len(chars))
	}
	return chars
}

// TestBundledFontsCoverProgramText checks that every character the program
// itself can show (translations, profiles, the Chinese literals of ui/, app/
// and cmd/egovdesk/) is in both bundled faces, so no label silently falls
// back to whatever system font has it (or to a box). A failure names the
// character and where it is used: re-run scripts/fonts/build, which adds the
// repository's own characters to the cut.
func TestBundledFontsCoverProgramText(t *testing.T) {
	chars := programChars(t)
	for _, face := range []struct {
		name string
		data []byte
	}{{"NotoSansSC-Regular.ttf", assets.FontRegular}, {"NotoSansSC-Bold.ttf", assets.FontBold}} {
		cm := bundledCmap(t, face.name, face.data)
		var missing []string
		for r, where := range chars {
			if !isFormatChar(r) {
				if _, ok := cm.Lookup(r); !ok {
					missing = append(missing, string(r)+" "+strconv.QuoteRune(r)+" ("+where+")")
				}
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d characters of the program's own text; run /usr/bin/python3 scripts/fonts/build:\n%s",
				face.name, len(missing), strings.Join(missing, "\n"))
		}
	}
}

// isFormatChar reports whether r is an invisible formatting character that
// no face needs a glyph for (Fyne's shaper drops it).
func isFormatChar(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\ufe0f':
		return true
	}
	return false
}

// TestBundledFontsLackRareCharacter keeps the coverage test honest: a rare
// name character outside the cut must be reported missing.
func TestBundledFontsLackRareCharacter(t *testing.T) {
	cm := bundledCmap(t, "NotoSansSC-Regular.ttf", assets.FontRegular)
	if _, ok := cm.Lookup('中'); !ok {
		t.Fatal("中 not found: the cmap is not read right")
	}
	for _, r := range []rune{'埇', '𠮷'} {
		if _, ok := cm.Lookup(r); ok {
			t.Errorf("%c is in the bundled cut; pick another rare character for this test", r)
		}
	}
}
