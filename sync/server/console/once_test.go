package console

import (
	"strconv"
	"strings"
	"testing"
)

// A form sent again while the first is being sent takes the first's
// outcome: told "sent" only when it was, and sent itself when the first
// failed (found in review: "already sent" was said of a first that then
// failed).
func TestOnceTokenWaitsForTheFirstUse(t *testing.T) {
	var o onceTokens
	u, first := o.begin("t")
	if !first {
		t.Fatal("a new token is not first")
	}
	w, again := o.begin("t")
	if again || w != u {
		t.Fatal("a token in use is taken twice")
	}
	o.end("t", u, false)
	<-w.done
	if w.sent {
		t.Error("a use that failed reads as sent")
	}
	u, first = o.begin("t")
	if !first {
		t.Fatal("a token whose use failed cannot be used again")
	}
	o.end("t", u, true)
	if w, first := o.begin("t"); first || !w.sent {
		t.Error("a token used is taken again")
	}
	if _, first := o.begin(""); !first {
		t.Error("a form without a token (of the release before) is refused")
	}
	// Bounded: a token longer than ours is none (and not kept), and the
	// uses done are dropped past 4,096.
	long := strings.Repeat("x", 65)
	if u, first := o.begin(long); !first || u != nil {
		t.Error("a token longer than ours is kept")
	}
	for i := range 5000 {
		tok := strconv.Itoa(i)
		u, _ := o.begin(tok)
		o.end(tok, u, true)
	}
	if n := len(o.used); n > 4096 {
		t.Errorf("%d uses kept", n)
	}
}
