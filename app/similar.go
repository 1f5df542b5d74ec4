package app

import (
	"hash/fnv"
	"slices"
	"unicode"
)

// SketchSize is how many content n-grams a declaration's fingerprint
// keeps: the bottom-k sketch of its content's character bigrams, from
// which the Jaccard similarity of two contents is estimated (standard
// error about √(J(1−J)/k), ±0.06 at k = 64).
const SketchSize = 64

// Fingerprint is what two declarations are compared on to flag possible
// duplicate construction (重复建设): the character bigrams of the project
// name, all of them, and a bottom-k sketch of the bigrams of what it
// builds (goals, content, modules, data resources). Clauses are the
// hashes of its name and of every clause of those texts (at least
// MinClause characters between punctuation): not for the score, but to
// find candidates fast, since a copied text shares its rare clauses,
// where common bigrams are shared by every declaration of a kind. Values
// are hashed to 32 bits; every list is sorted and holds no duplicates.
type Fingerprint struct {
	Name    []uint32 `json:"n"`
	Content []uint32 `json:"c"`
	Clauses []uint32 `json:"k,omitempty"`
}

// IndexedContent is how many of a fingerprint's content hashes (the
// smallest) a similar-projects index posts it under. Two contents whose
// Jaccard index is J share each of the union's smallest hashes with
// probability J, so at the score's floor (J ≈ 0.3) the two bottom-16
// lists meet with probability above 0.99; the score itself is computed
// from the whole sketch. Posting all 64 more than doubled a full
// declaration's index writes (85 postings against 38), for hashes that in
// a bureau of any size are held by thousands of declarations and so are
// never read: a query reads the rarest first, within a budget.
const IndexedContent = 16

// MaxClauses bounds the clauses a fingerprint keeps, and an index posts it
// under: the MaxClauses smallest hashes, a bottom-k sample as the content's
// sketch is, so two texts that share most of their clauses still share
// most of those kept. A declaration has tens of clauses; without the bound
// one body of the largest size made of short clauses would be posted under
// some 600,000 of them, each an entry of the bureau's index.
const MaxClauses = 128

// IndexGrams returns what a similar-projects index finds fp by: its name's
// bigrams, its IndexedContent smallest content hashes and its MaxClauses
// smallest clauses, sorted and unique.
func (fp Fingerprint) IndexGrams() []uint32 {
	all := append(append(slices.Clone(fp.Name), fp.Content[:min(len(fp.Content), IndexedContent)]...), fp.Clauses[:min(len(fp.Clauses), MaxClauses)]...)
	slices.Sort(all)
	return slices.Compact(all)
}

// MinClause is the length, in characters, under which a clause is too
// common to tell declarations apart (系统建设, 数据共享).
const MinClause = 6

// DeclarationFingerprint returns d's fingerprint.
func DeclarationFingerprint(d *Declaration) Fingerprint {
	content := []string{d.Goals, d.Content, d.DataResources}
	for _, m := range d.Modules {
		content = append(content, m.Name, m.Description)
	}
	c := Bigrams(content...)
	if len(c) > SketchSize {
		c = c[:SketchSize] // sorted: the k smallest hashes
	}
	clauses := Clauses(append(content, d.ProjectName)...)
	return Fingerprint{Name: Bigrams(d.ProjectName), Content: c, Clauses: clauses[:min(len(clauses), MaxClauses)]}
}

// Clauses returns the hashes of the clauses of texts, sorted and unique: the
// runs between punctuation, with spaces dropped and letters folded as
// Bigrams folds them, of at least MinClause characters.
func Clauses(texts ...string) []uint32 {
	var out []uint32
	h := fnv.New32a()
	for _, text := range texts {
		var run []rune
		flush := func() {
			if len(run) >= MinClause {
				h.Reset()
				h.Write([]byte{0}) // apart from the bigrams' hashes
				h.Write([]byte(string(run)))
				out = append(out, h.Sum32())
			}
			run = run[:0]
		}
		for _, r := range text {
			if r >= 0xFF01 && r <= 0xFF5E {
				r -= 0xFEE0
			}
			switch {
			case ignored(r):
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				run = append(run, unicode.ToLower(r))
			case unicode.IsSpace(r) && r != '\n':
			default:
				flush()
			}
		}
		flush()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Bigrams returns the hashed character bigrams of texts, sorted and
// unique: Chinese has no spaces, so words are not split out; two
// consecutive characters carry most of a word's sense. Letters are folded
// to lower case and full-width forms to half-width; the characters that
// show as nothing are skipped (ignored); anything else that is not a
// letter or a digit separates runs, and a one-character run counts as
// itself.
func Bigrams(texts ...string) []uint32 {
	var out []uint32
	h := fnv.New32a()
	gram := func(rs ...rune) {
		h.Reset()
		h.Write([]byte(string(rs)))
		out = append(out, h.Sum32())
	}
	for _, text := range texts {
		var run []rune
		flush := func() {
			switch {
			case len(run) == 1:
				gram(run[0])
			case len(run) > 1:
				for i := 0; i+1 < len(run); i++ {
					gram(run[i], run[i+1])
				}
			}
			run = run[:0]
		}
		for _, r := range text {
			if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
				r -= 0xFEE0
			}
			if ignored(r) {
				continue
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				flush()
				continue
			}
			run = append(run, unicode.ToLower(r))
		}
		flush()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ignored reports the characters a fingerprint reads text as if they were
// not there: format characters and the others that show as nothing
// (Invisible). Read as separators, zero-width spaces typed between the
// characters of a copied project's name and content cut every bigram and
// clause apart, and the copy no longer showed as similar (避免重复建设),
// while it printed and read exactly as the original.
func ignored(r rune) bool { return unicode.Is(unicode.Cf, r) || Invisible(r) }

// Similarity returns how alike two declarations are by name and by
// content, each from 0 to 1: the Jaccard index of the names' bigrams, and
// its estimate from the two content sketches (the share of the union's
// bottom-k sketch found in both). A side with no text gives 0.
func Similarity(a, b Fingerprint) (name, content float64) {
	return jaccard(a.Name, b.Name, len(a.Name)+len(b.Name)), jaccard(a.Content, b.Content, SketchSize)
}

// jaccard walks two sorted lists, counting within the first k of their
// union the values found in both.
func jaccard(a, b []uint32, k int) float64 {
	var i, j, both, union int
	for union < k && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			i++
		case i == len(a) || b[j] < a[i]:
			j++
		default:
			i, j = i+1, j+1
			both++
		}
		union++
	}
	if union == 0 {
		return 0
	}
	return float64(both) / float64(union)
}

// SimilarityScore combines the two similarities into the one a list of
// possible duplicates is ranked by. What a project builds weighs more than
// its name: names of one kind of project differ mostly by the place
// (城关镇智慧社区平台, 新店镇智慧社区平台), while a copied content is the
// mark of duplicate construction; a copy under a new name, or a new
// project under an old name, still ranks high.
func SimilarityScore(name, content float64) float64 {
	return (SimilarNameWeight*name + SimilarContentWeight*content) / 100
}

// The weights of SimilarityScore, in percent: the console says them.
const (
	SimilarNameWeight    = 35
	SimilarContentWeight = 100 - SimilarNameWeight
)
