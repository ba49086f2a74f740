// Package conformance finds and reads the shared conformance corpus (real
// payloads and signature vectors from other projects' test suites) for the
// platform packages' tests. The corpus lives outside the repository, in
// ../shared/conformance beside the repository root; tests skip when it is
// absent so that a plain clone still passes.
package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Dir returns the corpus folder for platform (for example "line"), found by
// walking up from the working directory, or skips t when there is none.
func Dir(t testing.TB, platform string) string {
	t.Helper()
	d, ok := find(filepath.Join("conformance", "peer", platform))
	if !ok {
		t.Skipf("conformance corpus for %s not found (expected ../shared/conformance beside the repository)", platform)
	}
	return d
}

// KeysDir returns the corpus key folder, or skips t.
func KeysDir(t testing.TB) string {
	t.Helper()
	d, ok := find(filepath.Join("conformance", "keys"))
	if !ok {
		t.Skip("conformance keys not found")
	}
	return d
}

func find(rel string) (string, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, "..", "shared", rel)
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return filepath.Clean(cand), true
		}
		cand = filepath.Join(dir, "shared", rel)
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return filepath.Clean(cand), true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Vector is a *.vector.json sidecar: how the payload beside it is signed
// and which signatures or bodies must be rejected.
type Vector struct {
	// Secret is the HMAC secret, or for RSA schemes the PEM public key.
	Secret              string            `json:"secret"`
	Signature           string            `json:"signature"`
	Header              string            `json:"header"`
	Algorithm           string            `json:"algorithm"`
	SecretKind          string            `json:"secret_kind"`
	Origin              string            `json:"origin"`
	Note                string            `json:"note"`
	InvalidSignatures   []string          `json:"invalid_signatures"`
	MustFailBodies      []string          `json:"must_fail_bodies"`
	ApplicationID       string            `json:"application_id"`
	Valid               *bool             `json:"valid"`
	BotIDHeader         map[string]string `json:"bot_id_header"`
	ValidSignatureForRe string            `json:"valid_signature_for_reference"`
}

// Case is one payload of the corpus with its optional vector.
type Case struct {
	// Name is the file name without its extension.
	Name   string
	Path   string
	Body   []byte
	Vector *Vector
}

// Cases returns every payload in dir (files not ending in .vector.json),
// sorted by name, each with its sidecar vector if there is one.
func Cases(t testing.TB, dir string) []Case {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading corpus: %v", err)
	}
	var out []Case
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".vector.json") || strings.HasSuffix(name, ".md") {
			continue
		}
		p := filepath.Join(dir, name)
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
		base := strings.TrimSuffix(name, filepath.Ext(name))
		c := Case{Name: base, Path: p, Body: body}
		vb, err := os.ReadFile(filepath.Join(dir, base+".vector.json"))
		if err == nil {
			var v Vector
			if err := json.Unmarshal(vb, &v); err != nil {
				t.Fatalf("decoding vector for %s: %v", name, err)
			}
			c.Vector = &v
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
