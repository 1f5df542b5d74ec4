package protocol

// UploadStatus is where the upload of one attachment stands (GET/HEAD/PATCH
// /attachments/{sha256}). Resume by sending the bytes from Offset. An
// attachment never seen has Offset 0 and Size 0. SM3 is the SM3 (GB/T 32905)
// of the bytes, lowercase hex, that the bureau computed as they arrived:
// set once Complete (empty for an attachment completed before the bureau
// computed SM3).
type UploadStatus struct {
	SHA256   string `json:"sha256"`
	SM3      string `json:"sm3,omitempty"`
	Size     int64  `json:"size"`
	Offset   int64  `json:"offset"`
	Complete bool   `json:"complete"`
	MaxSize  int64  `json:"max_size"`
}
