package messagetest_test

import (
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

// A renderer for an imaginary text-only platform that forgets to report
// what it drops: Check names each silent loss.
func ExampleCheck() {
	caps := message.Capabilities{Platform: "sms", TextUnit: message.Runes, MaxTextLen: 160, Types: []message.Type{message.TypeText}}
	careless := func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		t, ok := c.(*message.Text)
		if !ok || t.Text == "" {
			return nil, message.Report{}, fmt.Errorf("sms: %w", errors.ErrUnsupported)
		}
		text, _ := message.TruncateText(t.Text, 160, message.Runes) // cut, but not reported
		return []any{map[string]string{"body": text}}, message.Report{}, nil
	}
	for _, r := range messagetest.Check(caps, careless) {
		if r.Case == "text_quick_replies" {
			fmt.Println(r.Case + ":")
			for _, p := range r.Problems {
				fmt.Println(" ", p)
			}
		}
	}
	// Output:
	// text_quick_replies:
	//   QuickReplies[0].Label ("Yes") is missing from the output and no loss reports it
	//   QuickReplies[0].Action.Data ("answer=yes") is missing from the output and no loss reports it
	//   QuickReplies[0].Action.DisplayText ("Yes!") is missing from the output and no loss reports it
	//   QuickReplies[1].Label ("No") is missing from the output and no loss reports it
	//   QuickReplies[1].Action.Text ("no") is missing from the output and no loss reports it
	//   QuickReplies[2].Label ("Web") is missing from the output and no loss reports it
	//   QuickReplies[2].Action.URL ("https://example.com/qr") is missing from the output and no loss reports it
	//   no loss reported under QuickReplies although the platform has no quick replies
}
