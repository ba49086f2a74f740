package emulator

import "embed"

// webFS is the page: HTML, CSS and script, all served from the binary, so
// that it works offline and loads nothing from elsewhere.
//
//go:embed web
var webFS embed.FS
