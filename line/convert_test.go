package line_test

import (
	"testing"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

func TestRenderConformance(t *testing.T) {
	t.Parallel()
	messagetest.TestRenderer(t, line.Capabilities(), func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		msgs, rep, err := line.Render(c, o)
		if err != nil {
			return nil, rep, err
		}
		// What is sent is the encoding the client makes: check it too.
		enc, err := line.EncodeMessages(msgs)
		if err != nil {
			t.Errorf("rendered messages do not pass validation: %v", err)
			return nil, rep, err
		}
		out := make([]any, len(enc))
		for i, m := range enc {
			out[i] = m
		}
		return out, rep, nil
	})
}
