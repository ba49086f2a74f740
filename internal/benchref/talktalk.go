package benchref

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
)

// talktalkAllow is the TalkTalk reference's allow-list: the benchmark
// client's loopback address and TalkTalk's first range.
var talktalkAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("211.249.40.0/27")}

// talktalkEvent is every documented field of a send event, as a stdlib
// handler would decode it.
type talktalkEvent struct {
	Event       string      `json:"event"`
	User        string      `json:"user"`
	Partner     string      `json:"partner"`
	Standby     bool        `json:"standby"`
	MessageID   json.Number `json:"messageId"`
	TextContent *struct {
		Text       string          `json:"text"`
		Code       string          `json:"code"`
		InputType  string          `json:"inputType"`
		QuickReply json.RawMessage `json:"quickReply"`
	} `json:"textContent"`
	ImageContent *struct {
		ImageURL string `json:"imageUrl"`
		ImageID  string `json:"imageId"`
	} `json:"imageContent"`
	CompositeContent json.RawMessage `json:"compositeContent"`
	Options          struct {
		Notification bool            `json:"notification"`
		Mobile       *bool           `json:"mobile"`
		NoReflectBot *bool           `json:"noReflectBot"`
		Product      json.RawMessage `json:"product"`
	} `json:"options"`
}

// TalkTalk is the TalkTalk webhook reference, the design budget's: the
// same checks as the handler (POST, else 405; the peer address of
// r.RemoteAddr in 127.0.0.1/32 or 211.249.40.0/27, else 403), a bounded
// read, json.Unmarshal into a struct of every documented field of a send
// event (400 when it fails or the event name is empty), then an empty 200.
func TalkTalk() http.Handler { return http.HandlerFunc(talktalk) }

func talktalk(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !slices.ContainsFunc(talktalkAllow, func(p netip.Prefix) bool { return p.Contains(addr) }) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	var ev talktalkEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event == "" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}
