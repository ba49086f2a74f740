package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// SkillFunc answers one skill request. The response it returns is validated
// before it is written; an error (or an invalid response) is answered 500,
// or with the [WithFallback] response.
type SkillFunc func(ctx context.Context, req *Request) (*Response, error)

// SkillHandler is an http.Handler that serves a skill: it reads the
// request (bounded), checks the optional header secret and bot allow-list,
// calls the skill function and writes its response, or, with
// [WithCallback], runs the AI-chatbot callback flow. It is safe for
// concurrent use.
//
// A SkillHandler prints (every fmt verb, slog) as
// kakao.SkillHandler{HeaderName:"…", Secrets:signature.SecretSet{Len:1}},
// never a secret.
type SkillHandler struct {
	fn           SkillFunc
	cfg          handlerConfig
	waitingBody  []byte
	fallbackBody []byte
	wg           sync.WaitGroup
}

func (h *SkillHandler) form() redact.Form {
	return redact.Form{Type: "kakao.SkillHandler", Fields: []redact.Field{
		{Name: "HeaderName", Value: h.cfg.headerName},
		{Name: "Secrets", Value: h.cfg.secrets},
	}}
}

// Format writes the secret header's name and how many secrets the handler
// holds, for every verb.
func (h *SkillHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs the secret header's name and how many secrets the handler
// holds.
func (h *SkillHandler) LogValue() slog.Value { return h.form().LogValue() }

// NewSkillHandler returns a handler that answers with fn. It performs no
// I/O.
func NewSkillHandler(fn func(ctx context.Context, req *Request) (*Response, error), opts ...Option) (*SkillHandler, error) {
	if fn == nil {
		return nil, errors.New("kakao: NewSkillHandler: nil skill function")
	}
	h := &SkillHandler{fn: fn, cfg: handlerConfig{maxBody: webhookio.DefaultMaxBody, validity: CallbackValidity}}
	for _, o := range opts {
		if err := o(&h.cfg); err != nil {
			return nil, err
		}
	}
	if h.cfg.now == nil {
		h.cfg.now = time.Now
	}
	if h.cfg.afterFunc == nil {
		h.cfg.afterFunc = func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		}
	}
	var err error
	if h.cfg.fallback != nil {
		if h.fallbackBody, err = json.Marshal(h.cfg.fallback); err != nil {
			return nil, fmt.Errorf("kakao: encoding fallback: %w", err)
		}
	}
	if h.cfg.callback {
		if h.waitingBody, err = json.Marshal(h.cfg.waiting); err != nil {
			return nil, fmt.Errorf("kakao: encoding waiting response: %w", err)
		}
		if h.cfg.cbClient == nil {
			if h.cfg.cbClient, err = NewCallbackClient(); err != nil {
				return nil, err
			}
		}
	}
	return h, nil
}

// Wait blocks until every callback the handler has started has been
// delivered or has failed, or ctx is done. Call it after
// http.Server.Shutdown so that no final response is lost; it returns at
// once when there are none.
func (h *SkillHandler) Wait(ctx context.Context) error { return webhookio.Wait(ctx, &h.wg) }

// ServeHTTP implements http.Handler.
func (h *SkillHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := webhookio.CheckMethod(r); err != nil {
		h.fail(w, r, fmt.Errorf("kakao: %w", err))
		return
	}
	if h.cfg.headerName != "" {
		if err := h.checkSecret(r); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = fmt.Errorf("kakao: body over %d bytes: %w", mbe.Limit, err)
		} else {
			err = webhookio.Malformed("kakao", errors.New("reading body failed"))
		}
		h.fail(w, r, err)
		return
	}
	req, err := Parse(body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.cfg.botIDs != nil && !h.cfg.botIDs[req.Bot.ID] {
		h.fail(w, r, errBotID)
		return
	}
	if h.cfg.callback && req.UserRequest.CallbackURL != "" {
		h.serveCallback(w, r, req)
		return
	}
	resp, err := h.call(r.Context(), req)
	h.answer(w, r, resp, err)
}

var (
	errSecretMissing  = fmt.Errorf("kakao: shared-secret header missing: %w", signature.ErrForbidden)
	errSecretMismatch = fmt.Errorf("kakao: shared-secret header does not match: %w", signature.ErrForbidden)
	errBotID          = fmt.Errorf("kakao: bot ID not allowed: %w", signature.ErrForbidden)
	errNilResponse    = errors.New("kakao: skill function returned a nil response and no error")
)

func (h *SkillHandler) checkSecret(r *http.Request) error {
	v, err := webhookio.Credential(r.Header, h.cfg.headerName)
	if err != nil {
		return fmt.Errorf("kakao: shared-secret %w: %w", err, signature.ErrForbidden)
	}
	if v == "" {
		return errSecretMissing
	}
	if h.cfg.secrets.VerifyToken(v) != nil {
		return errSecretMismatch
	}
	return nil
}

func (h *SkillHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	webhookio.Fail(w, r, err, h.cfg.onErr)
}

func (h *SkillHandler) report(r *http.Request, err error) {
	if h.cfg.onErr != nil {
		h.cfg.onErr(r, err)
	}
}

// call runs fn, turning a panic into an error so that a callback goroutine
// cannot take the process down.
func (h *SkillHandler) call(ctx context.Context, req *Request) (resp *Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("kakao: skill function panicked: %v", p)
		}
	}()
	return h.fn(ctx, req)
}

// check classifies fn's result: nil, or the error to report.
func check(resp *Response, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("kakao: %w: %w", webhookio.ErrCallback, err)
	case resp == nil:
		return fmt.Errorf("kakao: %w: %w", webhookio.ErrCallback, errNilResponse)
	}
	if verr := resp.Validate(); verr != nil {
		return fmt.Errorf("kakao: %w: %w", webhookio.ErrCallback, verr)
	}
	return nil
}

// answer writes fn's result synchronously.
func (h *SkillHandler) answer(w http.ResponseWriter, r *http.Request, resp *Response, err error) {
	if err = check(resp, err); err == nil {
		var body []byte
		if body, err = json.Marshal(resp.wire()); err == nil {
			webhookio.WriteJSON(w, body)
			return
		}
		err = fmt.Errorf("kakao: %w: encoding response: %w", webhookio.ErrCallback, err)
	}
	h.report(r, err)
	if h.fallbackBody != nil {
		webhookio.WriteJSON(w, h.fallbackBody)
		return
	}
	// Always 500, whatever fn's error wraps.
	w.WriteHeader(http.StatusInternalServerError)
}

type result struct {
	resp *Response
	err  error
}

func (h *SkillHandler) serveCallback(w http.ResponseWriter, r *http.Request, req *Request) {
	callbackURL := req.UserRequest.CallbackURL
	deadline := h.cfg.now().Add(h.cfg.validity)
	ctx, cancel := context.WithDeadline(context.WithoutCancel(r.Context()), deadline)
	done := make(chan result, 1)
	h.wg.Add(1)
	go func() {
		resp, err := h.call(ctx, req)
		done <- result{resp, err}
	}()
	timer, stop := h.cfg.afterFunc(h.cfg.budget)
	select {
	case res := <-done:
		stop()
		cancel()
		h.wg.Done()
		h.answer(w, r, res.resp, res.err)
	case <-timer:
		webhookio.WriteJSON(w, h.waitingBody)
		_ = http.NewResponseController(w).Flush()
		go func() {
			defer h.wg.Done()
			defer cancel()
			h.deliver(ctx, r, callbackURL, <-done)
		}()
	case <-r.Context().Done():
		// Kakao hung up before the budget ran out: nobody will read an
		// answer, and no useCallback was promised.
		stop()
		cancel()
		h.report(r, fmt.Errorf("kakao: request ended before the skill answered: %w", r.Context().Err()))
		go func() {
			defer h.wg.Done()
			<-done
		}()
	}
}

// deliver sends fn's late result (or the fallback) to the callback URL.
func (h *SkillHandler) deliver(ctx context.Context, r *http.Request, callbackURL string, res result) {
	resp := res.resp
	if err := check(res.resp, res.err); err != nil {
		h.report(r, err)
		if h.cfg.fallback == nil {
			return
		}
		resp = h.cfg.fallback
	}
	if _, err := h.cfg.cbClient.Send(ctx, callbackURL, resp); err != nil {
		h.report(r, err)
	}
}
