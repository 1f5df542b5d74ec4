package protocol

// The client's version and the bureau's minimum.
const (
	// HeaderClientVersion carries the desktop client's release number
	// (version.Number, "0.2.0") with every request. The bureau refuses a
	// client older than its minimum with CodeClientOutdated; a request
	// without the header (curl, scripts, clients before 0.1.0) is not
	// checked.
	HeaderClientVersion = "X-Egovdesk-Version"

	// CodeClientOutdated (403): the client is older than the bureau's
	// minimum version. The detail names the version required and where to
	// download it. The client keeps what it has not sent and sends it once
	// the clerk has installed the new version.
	CodeClientOutdated = "client_outdated"

	// PathDownloads is the bureau's download page for the client packages
	// its administrator put in the downloads directory; a file is served at
	// PathDownloads + its name. It is not part of the API.
	PathDownloads = "/download/"
)
