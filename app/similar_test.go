package app

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestBigrams(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"智慧社区平台", "智慧社区，平台", false}, // the comma splits 区平
		{"ＡＢＣ系统", "abc系统", true},     // full width and case fold
		{"网格化 管理", "网格化、管理", true},   // any separator is one
		{"平台", "台平", false},
	} {
		a, b := Bigrams(c.a), Bigrams(c.b)
		if same := fmt.Sprint(a) == fmt.Sprint(b); same != c.same {
			t.Errorf("Bigrams(%q) = %v, Bigrams(%q) = %v; same %v, want %v", c.a, a, c.b, b, same, c.same)
		}
	}
	if n := len(Bigrams("智慧社区平台")); n != 5 {
		t.Errorf("智慧社区平台: %d bigrams, want 5", n)
	}
	if n := len(Bigrams("社区社区")); n != 2 {
		t.Errorf("社区社区: %d bigrams, want 2 (社区, 区社)", n)
	}
}

func TestSimilarity(t *testing.T) {
	base := &Declaration{ProjectName: "霍邱县城关镇智慧社区综合服务平台建设项目",
		Goals:   "建成覆盖全镇十二个社区的综合服务平台，实现居民事项一网通办、网格事件闭环处置",
		Content: "建设社区事项受理、网格事件上报分拨督办、居民信息管理、移动端小程序等模块，对接县数据共享交换平台"}
	copyOther := *base
	copyOther.ProjectName = "霍邱县新店镇智慧社区综合服务平台建设项目"
	copyOther.Goals = "建成覆盖全镇九个社区的综合服务平台，实现居民事项一网通办、网格事件闭环处置"
	other := &Declaration{ProjectName: "六安市不动产登记电子证照系统升级改造",
		Goals:   "实现不动产登记证书电子化，与税务、住建数据实时共享",
		Content: "升级登记业务系统，建设电子证照签发、核验模块，改造与税务系统的接口"}
	fp := DeclarationFingerprint
	n1, c1 := Similarity(fp(base), fp(&copyOther))
	n2, c2 := Similarity(fp(base), fp(other))
	if n1 < 0.7 || c1 < 0.7 {
		t.Errorf("near copy: name %.2f content %.2f, want both ≥ 0.7", n1, c1)
	}
	if n2 > 0.1 || c2 > 0.15 {
		t.Errorf("unrelated: name %.2f content %.2f, want ≤ 0.1, 0.15", n2, c2)
	}
	if n, c := Similarity(fp(base), fp(base)); n != 1 || c != 1 {
		t.Errorf("itself: %.2f %.2f, want 1 1", n, c)
	}
	if n, c := Similarity(fp(base), Fingerprint{}); n != 0 || c != 0 {
		t.Errorf("against nothing: %.2f %.2f", n, c)
	}
}

// TestSimilaritySketchEstimates checks the content estimate from two
// sketches of long texts against the exact Jaccard index of their bigrams.
func TestSimilaritySketchEstimates(t *testing.T) {
	var a, b []rune
	for i := range 3000 {
		r := rune(0x4E00 + (i*7919)%5000)
		a = append(a, r)
		if i%3 != 0 { // b shares two thirds of a's runs of text
			b = append(b, r)
		} else {
			b = append(b, rune(0x6000+i))
		}
	}
	ga, gb := Bigrams(string(a)), Bigrams(string(b))
	inA := map[uint32]bool{}
	for _, g := range ga {
		inA[g] = true
	}
	both := 0
	for _, g := range gb {
		if inA[g] {
			both++
		}
	}
	exact := float64(both) / float64(len(ga)+len(gb)-both)
	_, est := Similarity(DeclarationFingerprint(&Declaration{Content: string(a)}), DeclarationFingerprint(&Declaration{Content: string(b)}))
	if math.Abs(est-exact) > 0.15 {
		t.Errorf("estimate %.3f, exact %.3f", est, exact)
	}
}

func TestClauses(t *testing.T) {
	a := Clauses("建设社区事项受理模块，居民在小程序上提交申请；系统建设")
	b := Clauses("建设社区事项受理 模块。居民在小程序上提交申请")
	if len(a) != 2 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("clauses %v and %v: want the same two (系统建设 is too short; spaces do not count)", a, b)
	}
	for _, g := range Bigrams("建设社区事项受理模块") {
		if slices.Contains(a, g) {
			t.Errorf("a clause hash equals a bigram hash")
		}
	}
}

// TestFingerprintBoundsClauses: a declaration whose texts hold thousands
// of clauses keeps, and is indexed under, only the MaxClauses smallest,
// and a copy of it that changes a tenth of them still shares most of
// those; a declaration of ordinary length keeps every clause.
func TestFingerprintBoundsClauses(t *testing.T) {
	long := func(skip int) string {
		var b []byte
		for i := range 5000 {
			if skip > 0 && i%skip == 0 {
				b = fmt.Appendf(b, "改写的第%d条建设内容，", i)
				continue
			}
			b = fmt.Appendf(b, "建设内容第%d条，", i)
		}
		return string(b)
	}
	all := Clauses(long(0))
	if len(all) < 5000 {
		t.Fatalf("set-up: %d clauses, want 5000", len(all))
	}
	fp := DeclarationFingerprint(&Declaration{ProjectName: "城关镇智慧社区管理平台", Goals: long(0)})
	if len(fp.Clauses) != MaxClauses {
		t.Fatalf("%d clauses kept, want %d", len(fp.Clauses), MaxClauses)
	}
	if want := Clauses(long(0), "城关镇智慧社区管理平台")[:MaxClauses]; !slices.Equal(fp.Clauses, want) {
		t.Fatal("the clauses kept are not the smallest")
	}
	if n := len(fp.IndexGrams()); n > len(fp.Name)+IndexedContent+MaxClauses {
		t.Fatalf("indexed under %d hashes", n)
	}
	// An entry of an older bureau holding every clause is indexed under the bound too.
	old := fp
	old.Clauses = all
	if n := len(old.IndexGrams()); n > len(fp.Name)+IndexedContent+MaxClauses {
		t.Fatalf("an older entry indexed under %d hashes", n)
	}
	cp := DeclarationFingerprint(&Declaration{ProjectName: "新店镇智慧社区管理平台", Goals: long(10)})
	shared := 0
	for _, c := range cp.Clauses {
		if _, ok := slices.BinarySearch(fp.Clauses, c); ok {
			shared++
		}
	}
	if shared < MaxClauses*3/4 {
		t.Errorf("the copy shares %d of its %d clauses kept with its original", shared, len(cp.Clauses))
	}
	short := Declaration{ProjectName: "城关镇智慧社区管理平台", Goals: "建设社区事项受理模块，居民在小程序上提交申请。"}
	if got, want := DeclarationFingerprint(&short).Clauses, Clauses(short.Goals, short.Content, short.DataResources, short.ProjectName); !slices.Equal(got, want) {
		t.Errorf("an ordinary declaration keeps %v, want every clause %v", got, want)
	}
}

// TestFingerprintSkipsInvisibleCharacters: a copy with zero-width spaces,
// joiners, a BOM or variation selectors between its characters reads and
// prints as the original, so it fingerprints as the original: read as
// separators, they cut every bigram and clause and hid the copy from the
// similar-projects check.
func TestFingerprintSkipsInvisibleCharacters(t *testing.T) {
	base := &Declaration{ProjectName: "霍邱县城关镇智慧社区综合服务平台建设项目",
		Goals:   "建成覆盖全镇十二个社区的综合服务平台，实现居民事项一网通办、网格事件闭环处置",
		Content: "建设社区事项受理、网格事件上报分拨督办、居民信息管理等模块"}
	marks := []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufe0f", "\u180e"}
	sprinkle := func(s string) string {
		var out []rune
		for i, r := range []rune(s) {
			out = append(out, r)
			out = append(out, []rune(marks[i%len(marks)])...)
		}
		return string(out)
	}
	hidden := &Declaration{ProjectName: sprinkle(base.ProjectName), Goals: sprinkle(base.Goals), Content: sprinkle(base.Content)}
	a, b := DeclarationFingerprint(base), DeclarationFingerprint(hidden)
	if !slices.Equal(a.Name, b.Name) || !slices.Equal(a.Content, b.Content) || !slices.Equal(a.Clauses, b.Clauses) {
		n, c := Similarity(a, b)
		t.Fatalf("a copy with invisible characters: name %.2f content %.2f, clauses %d/%d", n, c, len(a.Clauses), len(b.Clauses))
	}
}
