package e2e

import (
	"fmt"
	"os"
	"testing"

	"egovdesk/sync/server/pgtest"
)

// envChild names the role of a re-executed test binary: "client" runs the
// desktop client (store + syncer) of childClient, "restorer" a new machine
// restoring from the bureau (childRestorer), "server" serves a bureau
// data directory (childServer). Unset, the binary runs the tests.
const envChild = "EGOV_E2E_CHILD"

func TestMain(m *testing.M) {
	switch role := os.Getenv(envChild); role {
	case "":
		pgtest.Main(m) // stops the PostgreSQL server of EGOV_E2E_STORE=postgres, if it started one
	case "client":
		os.Exit(childClient())
	case "server":
		os.Exit(childServer())
	case "restorer":
		os.Exit(childRestorer())
	default:
		fmt.Fprintf(os.Stderr, "unknown %s=%q\n", envChild, role)
		os.Exit(2)
	}
}
