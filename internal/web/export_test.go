package web

// SetSitemapMax changes how many addresses one sitemap file holds, so a
// test can see the index without 50,000 materials; it returns the undo.
// The server's kept pages go, as they were made with the old number.
func SetSitemapMax(s *Server, n int) func() {
	old := sitemapMax
	sitemapMax = n
	s.pageCache.drop()
	return func() { sitemapMax = old; s.pageCache.drop() }
}

// PageCacheStats tells how many bytes a server's page cache keeps and how
// many pages it has rendered to keep.
func PageCacheStats(s *Server) (bytes, fills int64) {
	return s.pageCache.bytes(), s.pageCache.fills.Load()
}

// AssetsCompressed starts compressing the static files and returns what
// is closed when their compressed bytes are made.
func AssetsCompressed() <-chan struct{} {
	a, _ := staticAssets()
	a.startCompressing()
	return a.compressed
}

// DropPages forgets a server's kept pages.
func DropPages(s *Server) { s.pageCache.drop() }
