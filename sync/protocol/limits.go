package protocol

// Limits of the requests' text that are the protocol's own (those of a
// filing's content are app's: app.TextLimit, app.MaxAttachmentName,
// app.MediaTypes). openapi.json states each one (maxLength, pattern,
// x-egovdesk-text-limits) and TestOpenAPIStatesTheLimits keeps them in step.
const (
	MaxJSONDepth   = 16    // how deep any JSON request may nest
	MaxID          = 64    // characters of a filing, revision or unit id: letters, digits, - _ .
	MaxLogin       = 64    // characters of a login name
	MaxComment     = 4000  // characters of a reviewer's comment
	MaxNoticeTitle = 100   // characters of a notice's title
	MaxNoticeText  = 10000 // characters of a notice's text
	// MaxRanges is the most byte ranges a Range request for a unit's
	// attachment may ask for; one asking for more gets the whole file
	// (200), as RFC 9110 §14.2 allows. Without a bound, 15,000 ranges of
	// one byte in a 60 KB request came back as a 2 MB multipart answer
	// (each part repeats its headers). PDF viewers ask for one at a time.
	MaxRanges = 16
)
