package server_test

import (
	"context"
	"fmt"
	"testing"

	"egovdesk/sync/protocol"
)

// BenchmarkPullTen pulls 10 changes from the middle of a unit's feed of
// 10^3 and 10^5 events. The feed is read by seeking to the cursor's
// sequence key, so the cost does not grow with the number of stored events
// (compare the sizes; sync/e2e's BenchmarkPullTen adds 10^6 over HTTP).
func BenchmarkPullTen(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			fx := MustBureau(b)
			ctx := context.Background()
			for i := 0; i < n; i++ {
				if _, err := fx.srv.Notify(ctx, protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "通知", Text: "内容"}); err != nil {
					b.Fatal(err)
				}
			}
			mid, err := fx.srv.Changes(ctx, fx.unitA.ID, "", n/2)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				resp, err := fx.srv.Changes(ctx, fx.unitA.ID, mid.Cursor, 10)
				if err != nil || len(resp.Changes) != 10 {
					b.Fatalf("%d changes, %v", len(resp.Changes), err)
				}
			}
		})
	}
}
