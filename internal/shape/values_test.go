package shape

import (
	"errors"
	"sort"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/talktalk"
)

// TestSharedValues: the sentinels are the same values everywhere, so one
// errors.Is works for all five.
func TestSharedValues(t *testing.T) {
	type set struct {
		malformed, callback, invalid, busy, late error
		maxBody                                  int64
	}
	got := map[string]set{
		"line":       {line.ErrMalformed, line.ErrCallback, line.ErrInvalid, line.ErrBusy, line.ErrLate, line.DefaultMaxBodyBytes},
		"kakao":      {kakao.ErrMalformed, kakao.ErrCallback, kakao.ErrInvalid, kakao.ErrBusy, kakao.ErrLate, kakao.DefaultMaxBodyBytes},
		"talktalk":   {talktalk.ErrMalformed, talktalk.ErrCallback, talktalk.ErrInvalid, talktalk.ErrBusy, talktalk.ErrLate, talktalk.DefaultMaxBodyBytes},
		"naverworks": {naverworks.ErrMalformed, naverworks.ErrCallback, naverworks.ErrInvalid, naverworks.ErrBusy, naverworks.ErrLate, naverworks.DefaultMaxBodyBytes},
		"clova":      {clova.ErrMalformed, clova.ErrCallback, clova.ErrInvalid, clova.ErrBusy, clova.ErrLate, clova.DefaultMaxBodyBytes},
	}
	want := set{webhookio.ErrMalformed, webhookio.ErrCallback, invalid.ErrInvalid, webhookio.ErrBusy, webhookio.ErrLate, webhookio.DefaultMaxBody}
	var names []string
	for p := range got {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		g := got[p]
		for _, c := range []struct {
			name      string
			got, want error
		}{
			{"ErrMalformed", g.malformed, want.malformed},
			{"ErrCallback", g.callback, want.callback},
			{"ErrInvalid", g.invalid, want.invalid},
			{"ErrBusy", g.busy, want.busy},
			{"ErrLate", g.late, want.late},
		} {
			if !errors.Is(c.got, c.want) || c.got != c.want {
				t.Errorf("%s.%s is not the shared sentinel", p, c.name)
			}
		}
		if g.maxBody != want.maxBody {
			t.Errorf("%s.DefaultMaxBodyBytes = %d, want %d", p, g.maxBody, want.maxBody)
		}
	}
}
