package app

// Catalogue is a data-sharing resource catalogue (政务数据共享资源目录) with the three lists.
type Catalogue struct {
	Title string `json:"title"`
}
