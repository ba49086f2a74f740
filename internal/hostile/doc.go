// Package hostile holds the cross-platform hostile-input test: the same bad
// requests (wrong methods, broken, deep, odd or oversized bodies, bad or
// rotated-out signatures, a panicking function) run against the webhook
// handlers of all five platform packages, and the memory a request holds
// before it is verified is measured through each of them. It has no code of
// its own, and no platform package imports it.
package hostile
