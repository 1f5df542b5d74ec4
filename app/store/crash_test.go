package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

// crashWriter is the child process of TestCrash: it opens the store and
// saves and submits filings forever, printing a line after each call
// returns, until the parent kills it.
//
//	ACK save <id> <n>      the n-th version of filing id was saved
//	ACK submit <id> <seq>  filing id was submitted as outbox item seq
//	ACK apply <id> <i>     the bureau's acceptance of filing id was applied
func crashWriter(dir string) {
	s, err := Open(dir)
	if err != nil {
		fmt.Println("OPEN", err)
		os.Exit(1)
	}
	ctx := context.Background()
	for i := 0; ; i++ {
		f, _ := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
		f.Declaration.PlanYear = 2026
		for n := 1; n <= 5; n++ {
			f.Declaration.ProjectName = fmt.Sprintf("霍邱县智慧社区管理平台（第%d稿）", n)
			f.Declaration.Goals = strconv.Itoa(n)
			if err := s.Save(ctx, f); err != nil {
				fmt.Println("ERR", err)
				os.Exit(1)
			}
			fmt.Printf("ACK save %s %d\n", f.ID, n)
		}
		if i%2 == 0 {
			o, err := s.Submit(ctx, f.ID, "张三", time.Now())
			if err != nil {
				fmt.Println("ERR", err)
				os.Exit(1)
			}
			fmt.Printf("ACK submit %s %d\n", f.ID, o.Seq)
			if i%4 == 0 {
				t := app.Transition{At: time.Now(), Actor: "李审核", Role: app.RoleReviewer,
					Action: app.ActionAccept, From: app.StatusSubmitted, To: app.StatusPreliminary,
					RevisionID: o.RevisionID, RevisionNumber: o.RevisionNumber}
				err := s.ApplyChanges(ctx, "cursor-"+f.ID, []Change{{Kind: app.MessageDecision, FilingID: f.ID, Transition: t}})
				if err != nil {
					fmt.Println("ERR", err)
					os.Exit(1)
				}
				fmt.Printf("ACK apply %s %d\n", f.ID, i)
			}
		}
	}
}

// TestCrash kills a writer process with SIGKILL at random moments and checks
// after each kill that every acknowledged save and submission survived and
// that the indexes agree with the documents.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes; skipped with -short")
	}
	dir := t.TempDir()
	saved := map[string]int{}        // filing → last acknowledged version
	submitted := map[string]uint64{} // filing → outbox seq
	accepted := map[string]bool{}    // filings whose acceptance was applied
	var cursor string                // the cursor of the last acknowledged pull
	const rounds = 6
	for round := range rounds {
		cmd := helperCommand(t, "crash", dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			defer close(lines)
			r := bufio.NewReader(out)
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return // a line cut by the kill has no newline and is dropped
				}
				lines <- strings.TrimSpace(l)
			}
		}()
		// Kill once the writer is running, at a random moment.
		delay := time.Duration(300+rand.IntN(900)) * time.Millisecond
		kill := time.After(delay)
		acks := 0
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				f := strings.Fields(l)
				if len(f) != 4 || f[0] != "ACK" {
					t.Fatalf("round %d: writer said %q", round, l)
				}
				acks++
				n, _ := strconv.ParseUint(f[3], 10, 64)
				switch f[1] {
				case "save":
					saved[f[2]] = int(n)
				case "submit":
					submitted[f[2]] = n
				case "apply":
					accepted[f[2]] = true
					cursor = "cursor-" + f[2]
				}
			case <-kill:
				cmd.Process.Kill()
				kill = nil
			}
		}
		cmd.Wait()
		t.Logf("round %d: killed after %v, %d acknowledged calls", round, delay, acks)

		s, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		verifyCrash(t, s, saved, submitted, accepted)
		if got, _ := s.Cursor(context.Background()); cursor != "" && got != cursor {
			// A later pull may have committed without its ACK line; it must be a valid one.
			if _, ok := accepted[strings.TrimPrefix(got, "cursor-")]; !ok {
				f, err := s.Get(context.Background(), strings.TrimPrefix(got, "cursor-"))
				if err != nil || f.Status != app.StatusPreliminary {
					t.Fatalf("round %d: cursor %q does not match an applied pull (last acknowledged %q)", round, got, cursor)
				}
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(submitted) == 0 {
		t.Fatal("no submission was acknowledged in any round")
	}
}

func verifyCrash(t *testing.T, s *Store, saved map[string]int, submitted map[string]uint64, accepted map[string]bool) {
	t.Helper()
	ctx := context.Background()
	for id, n := range saved {
		f, err := s.Get(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged save of %s lost: %v", id, err)
		}
		if got, _ := strconv.Atoi(f.Declaration.Goals); got < n {
			t.Fatalf("filing %s is at version %d, but version %d was acknowledged", id, got, n)
		}
	}
	items, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inOutbox := map[string]uint64{}
	for _, o := range items {
		inOutbox[o.FilingID] = o.Seq
	}
	for id, seq := range submitted {
		if inOutbox[id] != seq {
			t.Fatalf("acknowledged submission of %s (seq %d) is not in the outbox", id, seq)
		}
		f, _ := s.Get(ctx, id)
		want := app.StatusSubmitted
		if accepted[id] {
			want = app.StatusPreliminary
		}
		if f.Status != want && !(f.Status == app.StatusPreliminary && !accepted[id]) {
			t.Fatalf("submitted filing %s is %s, want %s", id, f.Status, want)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}
