package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// The emulated user on each platform.
const (
	lineUser         = "U4af4980629a1b2c3d4e5f60718293a4b"
	lineGroup        = "C4af4980629a1b2c3d4e5f60718293a4b"
	kakaoHeader      = kakao.DefaultSecretHeader
	kakaoBotID       = "5fe45a6ddfbb1f7d2a8b1c3e"
	talkUser         = "al-2eGuGr5WQOnco1_V-FQ"
	talkForwardedFor = "211.249.40.10"
	worksUser        = "a1b2c3d4-5e6f-7081-92a3-b4c5d6e7f809"
	worksDomain      = "10000001"
)

// An action is what the page asks the emulator to send: the user typed
// something, pressed a button of the bot's answer, or did something else
// the platform has an event for.
type action struct {
	Platform string `json:"platform"`
	// Kind: text, postback, follow, unfollow, join, leave, image,
	// sticker, location, launch, end.
	Kind string `json:"kind"`
	// Text is what the user typed, or a message action's text, or the
	// title of a TalkTalk button.
	Text string `json:"text,omitempty"`
	// Shown is what the user's bubble says when it differs from Text: a
	// postback's displayText.
	Shown string `json:"shown,omitempty"`
	// Data is a postback's data (LINE, NAVER WORKS), a NAVER WORKS
	// message action's postback, or a TalkTalk button's code.
	Data string `json:"data,omitempty"`
	// Extra is a Kakao button's extra (clientExtra in the request) and
	// BlockID the block a Kakao block button runs.
	Extra   map[string]any `json:"extra,omitempty"`
	BlockID string         `json:"blockId,omitempty"`
	// Trigger is the Kakao trigger type of a button press
	// (CARD_BUTTON_MESSAGE, QUICKREPLY_BUTTON_BLOCK, ...); default
	// CARD_BUTTON_MESSAGE.
	Trigger string `json:"trigger,omitempty"`
}

// maxAction bounds the page's request.
const maxAction = 256 << 10

// serveSend sends one action's webhook to the bot and shows the answer it
// carries (Kakao, TalkTalk, CLOVA); answers sent through the API arrive
// at the fronts. It answers the page with the webhook's status and time.
func (e *Emulator) serveSend(w http.ResponseWriter, r *http.Request) {
	b, err := readAtMost(r.Body, maxAction)
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	var a action
	if err := json.Unmarshal(b, &a); err != nil {
		http.Error(w, "not an action", http.StatusBadRequest)
		return
	}
	res, err := e.send(r, a)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

type sendResult struct {
	Turn   int64   `json:"turn"`
	Status int     `json:"status"`
	Millis float64 `json:"ms"`
}

// errNotConnected says the page's platform has no webhook URL.
var errNotConnected = errors.New("this platform has no webhook URL: start the emulator with one")

func (e *Emulator) send(r *http.Request, a action) (sendResult, error) {
	if !answersInBody(a.Platform) && a.Platform != LINE && a.Platform != NaverWorks {
		return sendResult{}, fmt.Errorf("unknown platform %q", a.Platform)
	}
	target := e.target(a.Platform)
	if target == "" {
		return sendResult{}, errNotConnected
	}
	var (
		req  *http.Request
		body []byte
		err  error
	)
	shown, label := describeAction(a)
	switch a.Platform {
	case LINE:
		req, body, err = e.lineRequest(target, a)
	case Kakao:
		req, body, err = e.kakaoRequest(target, a)
	case TalkTalk:
		req, body, err = e.talkRequest(target, a)
	case NaverWorks:
		req, body, err = e.worksRequest(target, a)
	case Clova:
		req, body, err = e.clovaRequest(target, a)
	default:
		return sendResult{}, fmt.Errorf("unknown platform %q", a.Platform)
	}
	if err != nil {
		return sendResult{}, err
	}
	user := e.hub.publish(event{Kind: kindUser, Platform: a.Platform, Label: label, Shown: shown, Via: "webhook", Body: json.RawMessage(body)})

	ctx, cancel := e.ctxTimeout(r.Context())
	defer cancel()
	start := time.Now()
	resp, err := e.client.Do(req.WithContext(ctx))
	if err != nil {
		// The URL is the user's own; the error names it, never a secret.
		e.hub.publish(event{Kind: kindError, Platform: a.Platform, Turn: user.Seq, Error: "the webhook call failed: " + err.Error()})
		return sendResult{Turn: user.Seq}, nil
	}
	answer, rerr := readAtMost(resp.Body, maxCallBody)
	resp.Body.Close()
	ms := float64(time.Since(start).Microseconds()) / 1000
	res := sendResult{Turn: user.Seq, Status: resp.StatusCode, Millis: ms}
	switch {
	case rerr != nil:
		e.hub.publish(event{Kind: kindError, Platform: a.Platform, Turn: user.Seq, Status: resp.StatusCode, Error: "the webhook response was over 4 MiB"})
	case resp.StatusCode != http.StatusOK:
		e.hub.publish(event{Kind: kindError, Platform: a.Platform, Turn: user.Seq, Status: resp.StatusCode,
			Error: fmt.Sprintf("the bot answered HTTP %d: the platform counts this webhook as failed", resp.StatusCode)})
	case len(bytes.TrimSpace(answer)) > 0 && answersInBody(a.Platform):
		ev := event{Kind: kindAnswer, Platform: a.Platform, Turn: user.Seq, Label: "webhook response", Via: "webhook response",
			Status: resp.StatusCode, Body: jsonOrString(answer), Problems: check(a.Platform, answer), Millis: ms}
		if a.Platform == Clova {
			e.keepSession(answer)
		}
		e.hub.publish(ev)
	}
	return res, nil
}

// answersInBody reports whether the platform reads the bot's answer from
// the webhook response.
func answersInBody(p string) bool { return p == Kakao || p == TalkTalk || p == Clova }

// describeAction is the user's side of the conversation: what their
// bubble says, and the event's name.
func describeAction(a action) (shown, label string) {
	switch a.Kind {
	case "text":
		return a.Text, "text"
	case "postback":
		if a.Shown != "" {
			return a.Shown, "postback"
		}
		return a.Text, "postback"
	case "image":
		return "", "image"
	case "sticker":
		return "", "sticker"
	case "location":
		return "", "location"
	}
	return "", a.Kind
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func bodyOf(req *http.Request) ([]byte, error) {
	if req.GetBody == nil {
		return nil, errors.New("request has no body")
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// unsupported says a platform has no such event.
func unsupported(p string, a action) error {
	return fmt.Errorf("%s sends no %q event", p, a.Kind)
}

func (e *Emulator) lineRequest(target string, a action) (*http.Request, []byte, error) {
	var ev line.Event
	switch a.Kind {
	case "text":
		ev = linetest.TextMessage(lineUser, a.Text)
	case "postback":
		ev = linetest.Postback(lineUser, a.Data)
	case "follow":
		ev = linetest.Follow(lineUser)
	case "unfollow":
		ev = linetest.Unfollow(lineUser)
	case "join":
		ev = linetest.Join(lineGroup)
	case "leave":
		ev = linetest.Leave(lineGroup)
	case "image":
		ev = linetest.ImageMessage(lineUser, "")
	case "sticker":
		ev = linetest.StickerMessage(lineUser, "446", "1988")
	case "location":
		ev = linetest.LocationMessage(lineUser, "NAVER 1784", "경기도 성남시 분당구 정자일로 95", 37.3595704, 127.105399)
	default:
		return nil, nil, unsupported("LINE", a)
	}
	req, err := linetest.NewHTTPRequest(target, e.secrets.line, ev)
	if err != nil {
		return nil, nil, err
	}
	body, err := bodyOf(req)
	return req, body, err
}

func (e *Emulator) kakaoRequest(target string, a action) (*http.Request, []byte, error) {
	opts := []kakaotest.RequestOption{kakaotest.WithBotID(kakaoBotID), kakaotest.WithCallbackURL(e.callbackURL())}
	switch a.Kind {
	case "text":
		opts = append(opts, kakaotest.WithUtterance(a.Text))
	case "postback":
		// A button or quick reply: its messageText is the utterance, its
		// extra the action's clientExtra, its block the block run.
		trigger := kakao.TriggerCardButtonMessage
		if a.Trigger != "" {
			trigger = kakao.TriggerType(a.Trigger)
		}
		opts = append(opts, kakaotest.WithUtterance(a.Text), kakaotest.WithTrigger(trigger))
		if len(a.Extra) > 0 {
			opts = append(opts, kakaotest.WithClientExtra(a.Extra))
		}
		if a.BlockID != "" {
			opts = append(opts, kakaotest.WithBlock(a.BlockID, "블록"))
		}
	default:
		return nil, nil, unsupported("Kakao", a)
	}
	body, err := json.Marshal(kakaotest.NewPayload(opts...))
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(kakaoHeader, e.secrets.kakao)
	return req, body, nil
}

// callbackURL issues a single-use callback URL at Kakao's front.
func (e *Emulator) callbackURL() string {
	u := e.kakao.NewCallbackURL()
	return e.fronts[Kakao].url + u[len(e.kakao.URL()):]
}

func (e *Emulator) talkRequest(target string, a action) (*http.Request, []byte, error) {
	var ev talktalk.Event
	switch a.Kind {
	case "text":
		ev = talktalktest.Text(talkUser, a.Text)
	case "postback":
		ev = talktalktest.ButtonPress(talkUser, a.Text, a.Data)
	case "follow":
		ev = talktalktest.Open(talkUser)
	case "leave":
		ev = &talktalk.LeaveEvent{User: talkUser}
	case "image":
		ev = talktalktest.Image(talkUser, "https://example.com/emulator/upload.jpg")
	default:
		return nil, nil, unsupported("TalkTalk", a)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Forwarded-For", talkForwardedFor)
	return req, body, nil
}

func (e *Emulator) worksRequest(target string, a action) (*http.Request, []byte, error) {
	env := naverworks.Envelope{Source: naverworks.Source{UserID: worksUser, DomainID: worksDomain}, IssuedTime: time.Now().UTC()}
	var ev naverworks.Event
	switch a.Kind {
	case "text":
		// A message action may carry a postback: the text is the user's
		// message, the data rides along.
		ev = &naverworks.MessageEvent{Envelope: env, Content: &naverworks.TextContent{Text: a.Text, Postback: a.Data}}
	case "postback":
		ev = &naverworks.PostbackEvent{Envelope: env, Data: a.Data}
	case "follow":
		ev = &naverworks.BeginEvent{Envelope: env}
	case "join":
		ev = &naverworks.JoinEvent{Envelope: env}
	case "leave":
		ev = &naverworks.LeaveEvent{Envelope: env}
	case "image":
		ev = &naverworks.MessageEvent{Envelope: env, Content: &naverworks.ImageContent{FileID: "emulator-image-1"}}
	case "sticker":
		ev = &naverworks.MessageEvent{Envelope: env, Content: &naverworks.StickerContent{PackageID: "1", StickerID: "2"}}
	case "location":
		ev = &naverworks.MessageEvent{Envelope: env, Content: &naverworks.LocationContent{Title: "NAVER 1784", Address: "경기도 성남시 분당구 정자일로 95", Latitude: 37.3595704, Longitude: 127.105399}}
	default:
		return nil, nil, unsupported("NAVER WORKS", a)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, nil, err
	}
	req, err := naverworkstest.NewHTTPRequest(target, e.secrets.works, naverworkstest.BotID, body)
	return req, body, err
}

// cekSession is the CEK session the emulator keeps, as CLOVA does: the
// attributes of the last response come back in the next request, and a
// response that ends the session makes the next request start a new one.
type cekSession struct {
	id         string
	attributes json.RawMessage
	ended      bool
}

func (e *Emulator) clovaRequest(target string, a action) (*http.Request, []byte, error) {
	var r *clova.Request
	switch a.Kind {
	case "text":
		r = clovatest.Intent(e.cfg.ClovaIntent, clovatest.WithSlot(e.cfg.ClovaSlot, a.Text))
	case "launch":
		r = clovatest.Launch()
	case "end":
		r = clovatest.SessionEnded()
	default:
		return nil, nil, unsupported("CLOVA", a)
	}
	e.mu.Lock()
	if e.cek.id == "" || e.cek.ended || a.Kind == "launch" {
		id, err := randomHex()
		if err != nil {
			e.mu.Unlock()
			return nil, nil, err
		}
		e.cek = cekSession{id: id}
		r.Session.New = true
	}
	r.Session.SessionID = e.cek.id
	if len(e.cek.attributes) > 0 {
		r.Session.SessionAttributes = e.cek.attributes
	}
	if a.Kind == "end" {
		e.cek.ended = true
	}
	e.mu.Unlock()
	req, err := clovatest.NewSignedRequest(clovatest.Key(), target, r)
	if err != nil {
		return nil, nil, err
	}
	body, err := bodyOf(req)
	return req, body, err
}

// keepSession remembers a CEK response's session attributes and whether
// it ended the session.
func (e *Emulator) keepSession(answer []byte) {
	var v struct {
		SessionAttributes json.RawMessage `json:"sessionAttributes"`
		Response          struct {
			ShouldEndSession bool `json:"shouldEndSession"`
		} `json:"response"`
	}
	if json.Unmarshal(answer, &v) != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cek.attributes = v.SessionAttributes
	e.cek.ended = v.Response.ShouldEndSession
}
