// Package browsertest drives the emulator page in headless Chromium.
package browsertest
