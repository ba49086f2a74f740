package kakao

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"
)

// strictContext decodes as Context did before an odd context was kept in
// Raw (any odd field failed the request), so that the cost of the
// tolerance is measured against it.
type strictContext Context

func (c *strictContext) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return errContext
	}
	*c = strictContext{}
	if _, ok := m["lifespan"]; ok {
		delete(m, "lifeSpan")
	}
	for k, v := range m {
		var err error
		switch k {
		case "name":
			c.Name, err = flexText(v)
		case "lifespan", "lifeSpan":
			c.Lifespan, err = flexInt(v)
		case "ttl":
			c.TTL, err = flexInt(v)
		case "params":
			var p map[string]ContextParam
			if json.Unmarshal(v, &p) != nil {
				err = errContextField
			}
			c.Params = p
		default:
			if c.Extra == nil {
				c.Extra = make(map[string]json.RawMessage)
			}
			c.Extra[k] = compact(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkContextDecodeRatio: decoding a request's contexts (the
// request_form seed, three times) with the tolerant decoder against the
// strict one it replaced.
func BenchmarkContextDecodeRatio(b *testing.B) {
	item, err := os.ReadFile(filepath.Join("testdata", "context", "request_form.json"))
	if err != nil {
		b.Fatal(err)
	}
	body := []byte("[" + string(item) + "," + string(item) + "," + string(item) + "]")
	b.ReportAllocs()
	benchpair.Medians(b, "strict", func() {
		var cs []strictContext
		if err := json.Unmarshal(body, &cs); err != nil {
			b.Fatal(err)
		}
	}, "tolerant", func() {
		var cs []Context
		if err := json.Unmarshal(body, &cs); err != nil {
			b.Fatal(err)
		}
	})
}
