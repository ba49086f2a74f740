package talktalk_test

import (
	"testing"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/talktalk"
)

func TestRenderConformance(t *testing.T) {
	t.Parallel()
	messagetest.TestRenderer(t, talktalk.Capabilities, func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		evs, rep, err := talktalk.Render(c, o)
		out := make([]any, len(evs))
		for i, e := range evs {
			out[i] = e
		}
		return out, rep, err
	})
}
