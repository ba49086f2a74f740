package emulator

import (
	"encoding/json"
	"errors"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/talktalk"
)

// check returns what the platform would refuse in an answer body, from the
// platform package's own validators: one line per problem, each naming its
// JSON path ("messages[0].text: …"). A body that is not the platform's
// format at all is one problem saying so. format is the platform name.
func check(format string, body []byte) []string {
	var err error
	switch format {
	case LINE:
		var v struct {
			Messages []json.RawMessage `json:"messages"`
		}
		if err = json.Unmarshal(body, &v); err == nil {
			err = line.ValidateMessages(v.Messages)
		}
	case Kakao:
		var r kakao.Response
		if err = json.Unmarshal(body, &r); err == nil {
			err = r.Validate()
		}
	case TalkTalk:
		var ev talktalk.Event
		if ev, err = talktalk.Decode(body); err == nil {
			err = talktalk.Validate(ev)
		}
	case NaverWorks:
		var v struct {
			Content json.RawMessage `json:"content"`
		}
		if err = json.Unmarshal(body, &v); err == nil {
			var c naverworks.Content
			if c, err = naverworks.DecodeContent(v.Content); err == nil {
				err = naverworks.Validate(c)
			}
		}
	case Clova:
		var r clova.Response
		if err = json.Unmarshal(body, &r); err == nil {
			err = r.Validate()
		}
	default:
		return nil
	}
	return problems(err)
}

// problems lists err's violations one by one.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	var many interface{ Unwrap() []error }
	if errors.As(err, &many) {
		var out []string
		for _, e := range many.Unwrap() {
			out = append(out, e.Error())
		}
		if len(out) > 0 {
			return out
		}
	}
	return []string{err.Error()}
}
