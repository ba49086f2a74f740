package kakaotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/kakao"
)

// A RequestOption changes the payload (or the HTTP request) that
// [NewRequest] and [NewPayload] build.
type RequestOption func(*builder)

type builder struct {
	req    *kakao.Request
	header http.Header
}

// WithUtterance sets userRequest.utterance (default "안녕하세요").
func WithUtterance(s string) RequestOption {
	return func(b *builder) { b.req.UserRequest.Utterance = s }
}

// WithParam sets action.params[name] and a matching detailParams entry.
func WithParam(name, value string) RequestOption {
	return WithDetailParam(name, value, value)
}

// WithDetailParam sets action.params[name] = value and
// action.detailParams[name] = {origin, value, groupName: ""}.
func WithDetailParam(name, origin, value string) RequestOption {
	return func(b *builder) {
		a := &b.req.Action
		if a.Params == nil {
			a.Params = kakao.Params{}
		}
		if a.DetailParams == nil {
			a.DetailParams = map[string]kakao.DetailParam{}
		}
		a.Params[name] = value
		a.DetailParams[name] = kakao.DetailParam{Origin: origin, Value: value}
	}
}

// WithCallbackURL sets userRequest.callbackUrl (see
// [Server.NewCallbackURL]).
func WithCallbackURL(u string) RequestOption {
	return func(b *builder) { b.req.UserRequest.CallbackURL = u }
}

// WithBotID sets bot.id (default "5fe45a6ddfbb1f7d2a8b1c3e").
func WithBotID(id string) RequestOption { return func(b *builder) { b.req.Bot.ID = id } }

// WithUserID sets user.id and properties.botUserKey.
func WithUserID(id string) RequestOption {
	return func(b *builder) {
		b.req.UserRequest.User.ID = id
		b.req.UserRequest.User.Properties.BotUserKey = id
	}
}

// WithFriend sets user.properties.isFriend.
func WithFriend(isFriend bool) RequestOption {
	return func(b *builder) { b.req.UserRequest.User.Properties.IsFriend = isFriend }
}

// WithTestSurface marks the request as sent by the builder's bot test
// (params.surface "BuilderBotTest", ignoreMe "true").
func WithTestSurface() RequestOption {
	return func(b *builder) {
		b.req.UserRequest.Params["surface"] = "BuilderBotTest"
		b.req.UserRequest.Params["ignoreMe"] = "true"
	}
}

// WithClientExtra sets action.clientExtra, as a button's extra would.
func WithClientExtra(extra map[string]any) RequestOption {
	return func(b *builder) { b.req.Action.ClientExtra = extra }
}

// WithBlock sets the matched block (intent and userRequest.block).
func WithBlock(id, name string) RequestOption {
	return func(b *builder) {
		b.req.Intent.ID, b.req.Intent.Name = id, name
		b.req.UserRequest.Block = kakao.Block{ID: id, Name: name}
	}
}

// WithTrigger sets flow.trigger.type.
func WithTrigger(t kakao.TriggerType) RequestOption {
	return func(b *builder) {
		if b.req.Flow == nil {
			b.req.Flow = &kakao.Flow{}
		}
		b.req.Flow.Trigger = &kakao.Trigger{Type: t}
	}
}

// WithSecret sets the shared-secret header [kakao.DefaultSecretHeader] of
// the request [NewRequest] builds to value, as the skill settings'
// "헤더값 입력" would.
func WithSecret(value string) RequestOption {
	return WithHeader(kakao.DefaultSecretHeader, value)
}

// WithHeader adds an HTTP header to the request [NewRequest] builds (the
// "헤더값 입력" headers of the skill settings).
func WithHeader(name, value string) RequestOption {
	return func(b *builder) { b.header.Add(name, value) }
}

// NewPayload returns a skill payload shaped like the ones Kakao sends, with
// opts applied.
func NewPayload(opts ...RequestOption) *kakao.Request {
	b := newBuilder(opts)
	return b.req
}

func newBuilder(opts []RequestOption) *builder {
	b := &builder{header: http.Header{}, req: &kakao.Request{
		Intent: kakao.Intent{ID: "5a56da4a4bd4b0d2e7f5c0a1", Name: "블록 이름",
			Extra: &kakao.IntentExtra{Reason: &kakao.Reason{Code: 1, Message: "OK"}}},
		UserRequest: kakao.UserRequest{
			Timezone:  "Asia/Seoul",
			Params:    kakao.Params{"surface": "Kakaotalk.plusfriend"},
			Block:     kakao.Block{ID: "5a56da4a4bd4b0d2e7f5c0a1", Name: "블록 이름"},
			Utterance: "안녕하세요",
			Lang:      "ko",
			User: kakao.User{ID: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90ab", Type: "botUserKey",
				Properties: kakao.UserProperties{
					PlusfriendUserKey: "Z9y8X7w6V5u4",
					BotUserKey:        "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90ab",
				}},
		},
		Bot:      kakao.BotInfo{ID: "5fe45a6ddfbb1f7d2a8b1c3e", Name: "테스트 봇"},
		Action:   kakao.Action{ID: "6b1f0c2d3e4f5a6b7c8d9e0f", Name: "스킬 이름", Params: kakao.Params{}, DetailParams: map[string]kakao.DetailParam{}, ClientExtra: nil},
		Contexts: []kakao.Context{},
		Flow: &kakao.Flow{
			LastBlock: &kakao.Block{ID: "5a56da4a4bd4b0d2e7f5c0a0", Name: "웰컴 블록"},
			Trigger:   &kakao.Trigger{Type: kakao.TriggerTextInput},
		},
	}}
	for _, o := range opts {
		o(b)
	}
	return b
}

// NewBody returns the JSON of [NewPayload].
func NewBody(t testing.TB, opts ...RequestOption) []byte {
	t.Helper()
	body, err := json.Marshal(NewPayload(opts...))
	if err != nil {
		t.Fatalf("kakaotest: encoding payload: %v", err)
	}
	return body
}

// NewRequest returns a POST /skill request carrying a realistic skill
// payload, ready for a handler's ServeHTTP or for [Do].
func NewRequest(t testing.TB, opts ...RequestOption) *http.Request {
	t.Helper()
	b := newBuilder(opts)
	body, err := json.Marshal(b.req)
	if err != nil {
		t.Fatalf("kakaotest: encoding payload: %v", err)
	}
	r := httptest.NewRequest(http.MethodPost, "/skill", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set("Accept", "application/json")
	for k, vs := range b.header {
		r.Header[k] = append(r.Header[k], vs...)
	}
	return r
}

// Result is a handler's answer.
type Result struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Response is the decoded body of a 200 answer; nil otherwise.
	Response *kakao.Response
}

// Do serves r with h and decodes the answer. A 200 answer that is not a
// response is a test failure.
//
// Do returns with the first complete answer: when the handler returns, or
// when it flushes an answer while it goes on working, as a
// [kakao.WebhookHandler] does with the useCallback answer of
// [kakao.WithCallback]. In that case the handler is still running when Do
// returns: call its Wait before looking at what it delivered.
func Do(t testing.TB, h http.Handler, r *http.Request) *Result {
	t.Helper()
	rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder(), flushed: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, r)
	}()
	select {
	case <-done:
	case <-rec.flushed:
	}
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	out := &Result{StatusCode: res.StatusCode, Header: res.Header, Body: body}
	if res.StatusCode == http.StatusOK {
		out.Response = new(kakao.Response)
		if err := json.Unmarshal(body, out.Response); err != nil {
			t.Fatalf("kakaotest: 200 answer is not a skill response: %v", err)
		}
	}
	return out
}

// flushRecorder is an httptest.ResponseRecorder that says when the
// handler has flushed its answer. The handler writes nothing after that.
type flushRecorder struct {
	*httptest.ResponseRecorder
	once    sync.Once
	flushed chan struct{}
}

// Flush flushes the recorder and signals the first flush.
func (f *flushRecorder) Flush() {
	f.ResponseRecorder.Flush()
	f.once.Do(func() { close(f.flushed) })
}

// Post builds a request with opts and serves it with h: NewRequest + Do.
func Post(t testing.TB, h http.Handler, opts ...RequestOption) *Result {
	t.Helper()
	return Do(t, h, NewRequest(t, opts...))
}
