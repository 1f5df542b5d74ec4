package protocol

// UploadStatus is where the upload of one attachment stands (GET/HEAD/PATCH
// /attachments/{sha256}). Resume by sending the bytes from Offset. An
// attachment never seen has Offset 0 and Size 0.
type UploadStatus struct {
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Offset   int64  `json:"offset"`
	Complete bool   `json:"complete"`
	MaxSize  int64  `json:"max_size"`
}
