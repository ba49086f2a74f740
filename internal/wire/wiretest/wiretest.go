// Package wiretest holds the checks that the platform packages' tests run
// on their fast decoders: the hand-written ones, built on wire.Scanner,
// that take the bodies a platform sends most and leave the rest to
// encoding/json.
package wiretest

import (
	"os"
	"path/filepath"
	"testing"
)

// Case is a body a fast decoder takes (Fast) or leaves to encoding/json.
type Case struct {
	Name string
	Body string
	Fast bool
}

// CheckFast runs decode on each case, failing t unless it takes the case
// as the case says, and on each recorded body the pattern glob matches
// (such as "testdata/webhook/*.json"). check runs on every body decode
// takes; it fails t unless encoding/json builds the same. CheckFast fails
// t when no recorded body is taken.
func CheckFast[T any](t *testing.T, cases []Case, glob string, decode func([]byte) (T, bool), check func(t *testing.T, body []byte, got T)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			got, ok := decode([]byte(tt.Body))
			if ok != tt.Fast {
				t.Fatalf("fast path taken = %v, want %v", ok, tt.Fast)
			}
			if ok {
				check(t, []byte(tt.Body), got)
			}
		})
	}
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := decode(body); ok {
			taken++
			check(t, body, got)
		}
	}
	if taken == 0 {
		t.Error("no recorded body took the fast path")
	}
}

// FuzzFast seeds f with the cases' bodies and fuzzes decode: check runs on
// every body it takes.
func FuzzFast[T any](f *testing.F, cases []Case, decode func([]byte) (T, bool), check func(t *testing.T, body []byte, got T)) {
	for _, tt := range cases {
		f.Add([]byte(tt.Body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, ok := decode(body); ok {
			check(t, body, got)
		}
	})
}
