package web

// SetSitemapMax changes how many addresses one sitemap file holds, so a
// test can see the index without 50,000 materials; it returns the undo.
func SetSitemapMax(n int) func() {
	old := sitemapMax
	sitemapMax = n
	return func() { sitemapMax = old }
}
