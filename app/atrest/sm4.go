package atrest

import "github.com/emmansun/gmsm/sm4"

// SM4 (GB/T 32907-2016) from gmsm, in the standard library's GCM: the
// cipher for deployments that require 商用密码. Its 128-bit file key is
// derived from the data key like AES's (fileAEAD).
func init() { newBlock[SM4GCM] = sm4.NewCipher }
