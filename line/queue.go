package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
)

// settleTimeout bounds the store calls that settle claims after the
// function returned, whatever is left of the worker's context: a settle
// abandoned halfway would leave a handled event claimed until its lease
// ran out. A claim lasts the work timeout plus settleTimeout, so that it
// still holds when a function that ran until its timeout is settled.
const settleTimeout = 5 * time.Second

// WithQueue makes the handler acknowledge through a durable queue (LINE's
// asynchronous mode without losing an acknowledged event in a crash): it
// verifies and decodes each request, stores its body with q.Enqueue and
// answers 200 only after Enqueue returned nil; when Enqueue fails it
// answers 500 (LINE redelivers, with redelivery turned on) and reports the
// error. A callback without events (LINE's check of the webhook URL) is
// answered 200 and not enqueued. Your function is not called on the
// request: workers take the bodies from the queue and pass each to
// [WebhookHandler.HandleQueued] (or [BotHandler.HandleQueued]), on any
// replica. A nil q is an error.
//
// With a queue, the handler de-duplicates events when they are handled,
// not when they arrive: a redelivered event is enqueued again and dropped
// by HandleQueued, because a record made on arrival would make the
// queued event itself look handled. Give [WithDeduper] a shared
// [message.Claimer] (redisstore's Deduper is one) so that an event whose
// worker died while handling it is handled again once its claim runs out.
// [WithAsync] has no effect with a queue; [WithWorkTimeout] bounds each
// HandleQueued call.
func WithQueue(q message.Queue) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if q == nil {
			return argError("WithQueue", "q", "nil queue")
		}
		c.queue = q
		return nil
	})
}

// enqueue is ServeHTTP with a queue: verify, store the body, then answer.
func (h *WebhookHandler) enqueue(w http.ResponseWriter, r *http.Request) {
	body, cb, _, err := h.verify(w, r)
	if err != nil {
		h.rp.Fail(w, r, err)
		return
	}
	if len(cb.Events) > 0 {
		if err := h.cfg.queue.Enqueue(r.Context(), body); err != nil {
			h.rp.Fail(w, r, fmt.Errorf("line: enqueueing the verified body: %w", err))
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// HandleQueued handles one body taken from a [WithQueue] queue: trusted
// bytes that the handler verified before it enqueued them. It decodes the
// body with [Decode], drops the events already handled, calls your
// function with the rest (under the [WithMaxInFlight] cap, panics
// recovered, with ctx bounded by [WithWorkTimeout]) and returns nil when
// the body needs no more work: the queue may then acknowledge it. Any
// error asks the queue to hand the body over again later.
//
// De-duplication, with a [WithDeduper] store that is a [message.Claimer]:
// each event's webhookEventId is claimed for the work timeout plus 5
// seconds (the bound on settling it) before the function runs. An event claimed by someone else
// whose claim has not run out is left for later (HandleQueued then
// returns an error after the others were handled), an event done is
// dropped; when the function returns nil the claims become done records,
// and when it fails they are deleted, so that the next try handles the
// events. A worker that dies leaves its claims to run out: the queue's
// visibility timeout must be longer than the claim (redisstore's default,
// a minute, is longer than the default work timeout plus 5 seconds). With a plain
// [message.Deduper], events are recorded with Seen and taken back on
// failure if it is a [message.Forgetter]; an event whose worker died is
// then lost unless the store's records die with the worker (an in-process
// deduper). Events without an ID are always handled.
//
// Errors: a body that does not decode (wrapping [ErrMalformed]; it never
// will), a de-duplication store failure (the events claimed so far are
// released), your function's error or panic (wrapping [ErrCallback]; also
// passed to the error handler with a nil *http.Request), [ErrBusy] when
// no slot came free before ctx ended, or events held by another claim.
// A store failure settling claims after your function succeeded is not
// returned (the body is done; handling it again would repeat its
// effects): it goes to the error handler. No error holds body content.
// It is safe for concurrent use.
func (h *WebhookHandler) HandleQueued(ctx context.Context, body []byte) error {
	cb, err := Decode(body)
	if err != nil {
		return err
	}
	var bot *Bot
	if h.multi != nil {
		// The body was verified with its destination's secret before it
		// was queued; its bot is found the same way now.
		if bot, err = h.multi.resolveQueued(ctx, cb); err != nil {
			return err
		}
	}
	claims, held, err := h.claim(ctx, bot, cb)
	if err != nil {
		return err
	}
	if len(cb.Events) > 0 {
		err = h.rn.Do(ctx, func(ctx context.Context) error {
			if bot != nil {
				ctx = withBot(ctx, bot)
			}
			return h.fn(ctx, cb)
		})
		switch {
		case err == nil:
		case errors.Is(err, webhookio.ErrBusy):
			err = fmt.Errorf("line: %w", err)
		default:
			err = fmt.Errorf("line: %w: %w", webhookio.ErrCallback, err)
			h.rp.Report(nil, err)
		}
	}
	if serr := h.settle(ctx, claims, err == nil); serr != nil {
		if err == nil {
			h.rp.Report(nil, serr)
		}
	}
	if err != nil {
		return err
	}
	if held > 0 {
		return fmt.Errorf("line: %d queued event(s) claimed by another worker whose claim has not run out: try again later", held)
	}
	return nil
}

// queuedClaim is one event's record taken by HandleQueued.
type queuedClaim struct {
	id, token string
}

// claim drops from cb the events that are handled or held elsewhere and
// claims the rest; it returns the claims and how many events were held.
// On a store error it releases what it claimed and returns the error.
func (h *WebhookHandler) claim(ctx context.Context, bot *Bot, cb *Callback) ([]queuedClaim, int, error) {
	if h.cfg.dedupe == nil || len(cb.Events) == 0 {
		return nil, 0, nil
	}
	claimer, _ := h.cfg.dedupe.(message.Claimer)
	lease := h.cfg.workTimeout + settleTimeout
	var claims []queuedClaim
	held := 0
	kept := cb.Events[:0]
	for _, ev := range cb.Events {
		id := ev.Base().WebhookEventID
		if id == "" {
			kept = append(kept, ev)
			continue
		}
		id = dedupeKey(bot, id)
		var (
			token string
			state message.ClaimState
			err   error
		)
		if claimer != nil {
			token, state, err = claimer.Claim(ctx, id, lease)
		} else {
			var seen bool
			seen, err = h.cfg.dedupe.Seen(ctx, id)
			if seen {
				state = message.ClaimDone
			}
		}
		if err != nil {
			_ = h.settle(ctx, claims, false)
			return nil, 0, fmt.Errorf("line: de-duplication of a queued event failed: %w", err)
		}
		switch state {
		case message.ClaimNew:
			claims = append(claims, queuedClaim{id: id, token: token})
			kept = append(kept, ev)
		case message.ClaimHeld:
			held++
		default: // done: drop it
		}
	}
	clear(cb.Events[len(kept):])
	cb.Events = kept
	return claims, held, nil
}

// settle ends claims: done records when the events were handled, deleted
// records when not. It runs detached from ctx's cancellation, bounded by
// settleTimeout, and returns the failures joined.
func (h *WebhookHandler) settle(ctx context.Context, claims []queuedClaim, handled bool) error {
	if len(claims) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	claimer, _ := h.cfg.dedupe.(message.Claimer)
	forgetter, _ := h.cfg.dedupe.(message.Forgetter)
	var errs []error
	for _, c := range claims {
		var err error
		switch {
		case claimer != nil:
			err = claimer.Settle(ctx, c.id, c.token, handled)
		case !handled && forgetter != nil:
			err = forgetter.Forget(ctx, c.id)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	what := "release"
	if handled {
		what = "record as done"
	}
	return fmt.Errorf("line: de-duplication: could not %s %d queued event(s): %w", what, len(errs), errors.Join(errs...))
}

// HandleQueued handles one body taken from a [WithQueue] queue, as
// [WebhookHandler.HandleQueued] does, passing each event to the
// [message.Handler] as ServeHTTP would.
func (b *BotHandler) HandleQueued(ctx context.Context, body []byte) error {
	return b.wh.HandleQueued(ctx, body)
}
