// Package pagecheck checks every kind of page the hub serves in a real,
// headless Chromium: axe-core finds no WCAG 2.1 A or AA violation at
// 1280 and 320 pixels, the W3C Nu HTML checker finds no error, nothing
// scrolls sideways on a phone, and a keyboard alone reaches everything.
//
// The pages are not listed by hand. The tests crawl the hub as a reader
// and as a logged-in editor, following links and the choices of every GET
// form, and fail when a page route of the hub was not reached, so a new
// page type is checked the day it is added.
//
// The package has only tests. They need Debian's chromium, Java and the
// npm packages in tools/browser; scripts/setup installs all three.
package pagecheck
