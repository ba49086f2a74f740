package main

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

// The demo's CEK extensions: their IDs are the extension IDs CLOVA puts in
// applicationId.
const (
	demoClovaEcho    = "com.example.cafe"
	demoClovaChatbot = "com.example.bakery"
	demoClovaUnknown = "com.example.nobody"
	demoClovaUser    = "clovatest-user"
)

// clovaDemo sets up two CEK extensions. An extension has no credential of
// its own: CLOVA signs every request (here clovatest's key stands in for
// CLOVA's), and the answer is spoken in the CEK response.
func clovaDemo(w *demoWiring) (*platformDemo, error) {
	d := &platformDemo{name: "CLOVA", credName: "key"}
	var closers []func()
	d.close = func() {
		for _, c := range closers {
			c()
		}
	}
	w.clova = []clova.HandlerOption{clova.WithPublicKey(clovatest.PublicKey())}
	for _, id := range []string{demoClovaEcho, demoClovaChatbot} {
		b := &demoBot{cfg: BotConfig{Platform: "clova", ID: id, Answer: Answer{Go: "echo"}}}
		if id == demoClovaChatbot {
			cb, key, err := newChatbot(w, "clova", id)
			if err != nil {
				d.close()
				return nil, err
			}
			closers = append(closers, cb.Close)
			b.chatbot = cb
			b.cfg.Answer = Answer{Chatbot: &ChatbotAnswer{InvokeURL: cb.URL(), SecretKey: key}}
		}
		d.bots = append(d.bots, b)
	}
	// A key that is not CLOVA's, for the forged request.
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		d.close()
		return nil, err
	}
	d.calls = func() [][]platformCall { return nil }
	d.steps = func(b *demoBot) []demoStep {
		app := clovatest.WithApplicationID(b.cfg.ID)
		return []demoStep{
			{"greeting", cekRequest(clovatest.Key(), clovatest.Launch(app))},
			{"intent", cekRequest(clovatest.Key(), clovatest.Intent("hello", app))},
		}
	}
	d.refusals = func() []demoRefusal {
		a := d.bots[0]
		return []demoRefusal{
			{demoStep{fmt.Sprintf("forged: a request for %s signed with a key that is not CLOVA's", a.cfg.ID),
				cekRequest(forger, clovatest.Intent("hello", clovatest.WithApplicationID(a.cfg.ID)))}, http.StatusUnauthorized},
			{demoStep{fmt.Sprintf("unknown bot: a request for %s, which nobody serves", demoClovaUnknown),
				cekRequest(clovatest.Key(), clovatest.Intent("hello", clovatest.WithApplicationID(demoClovaUnknown)))}, http.StatusUnauthorized},
		}
	}
	return d, nil
}

// cekRequest returns req signed with key, as CLOVA sends it.
func cekRequest(key *rsa.PrivateKey, req *clova.Request) func(string) (*http.Request, error) {
	return func(base string) (*http.Request, error) {
		return clovatest.NewSignedRequest(key, base+"/clova", req)
	}
}
