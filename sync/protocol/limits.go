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
)
