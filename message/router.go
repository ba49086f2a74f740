package message

import (
	"context"
	"regexp"
	"strings"
)

// Router is a [Handler] that passes each event to the first route that
// matches it, in the order the routes were added, or to the fallback.
// Standby events (a human holds the conversation) are answered only by
// routes added with [Router.Standby]. Build it before serving; it is safe
// for concurrent use once built. Adding a nil Handler panics, as
// http.ServeMux does with a nil handler: it is a programming error.
//
//	r := message.NewRouter().
//		On(message.KindFollow, welcome).
//		Text("help", help).
//		TextPrefix("order ", order).
//		Postback("menu", menu).
//		Fallback(echo)
type Router struct {
	routes   []route
	standby  Handler
	fallback Handler
}

type route struct {
	match func(in *Incoming) bool
	h     Handler
}

// NewRouter returns an empty router: it answers nothing until routes are
// added.
func NewRouter() *Router { return &Router{} }

func (r *Router) add(match func(in *Incoming) bool, h Handler) *Router {
	if h == nil {
		panic("message: Router route with a nil Handler")
	}
	r.routes = append(r.routes, route{match, h})
	return r
}

// On routes events of kind k.
func (r *Router) On(k Kind, h Handler) *Router {
	return r.add(func(in *Incoming) bool { return in.Kind == k }, h)
}

// text returns the text of a text message, if in is one.
func text(in *Incoming) (string, bool) {
	if in.Kind != KindMessage {
		return "", false
	}
	t, ok := in.Content.(*Text)
	if !ok || t == nil {
		return "", false
	}
	return t.Text, true
}

// Text routes text messages equal to s (after trimming spaces).
func (r *Router) Text(s string, h Handler) *Router {
	return r.add(func(in *Incoming) bool {
		t, ok := text(in)
		return ok && strings.TrimSpace(t) == s
	}, h)
}

// TextPrefix routes text messages that start with prefix.
func (r *Router) TextPrefix(prefix string, h Handler) *Router {
	return r.add(func(in *Incoming) bool {
		t, ok := text(in)
		return ok && strings.HasPrefix(t, prefix)
	}, h)
}

// TextMatch routes text messages that re matches.
func (r *Router) TextMatch(re *regexp.Regexp, h Handler) *Router {
	return r.add(func(in *Incoming) bool {
		t, ok := text(in)
		return ok && re.MatchString(t)
	}, h)
}

// Postback routes postbacks whose data equals data.
func (r *Router) Postback(data string, h Handler) *Router {
	return r.add(func(in *Incoming) bool { return in.Kind == KindPostback && in.Data == data }, h)
}

// PostbackPrefix routes postbacks whose data starts with prefix.
func (r *Router) PostbackPrefix(prefix string, h Handler) *Router {
	return r.add(func(in *Incoming) bool { return in.Kind == KindPostback && strings.HasPrefix(in.Data, prefix) }, h)
}

// Match routes the events match accepts.
func (r *Router) Match(match func(in *Incoming) bool, h Handler) *Router {
	return r.add(match, h)
}

// Standby sets the handler of standby events; without it they are not
// answered.
func (r *Router) Standby(h Handler) *Router {
	r.standby = h
	return r
}

// Fallback sets the handler of events no route matches; without it they
// are not answered.
func (r *Router) Fallback(h Handler) *Router {
	r.fallback = h
	return r
}

// Handle implements [Handler].
func (r *Router) Handle(ctx context.Context, in *Incoming, resp Responder) error {
	if in.Standby {
		if r.standby != nil {
			return r.standby.Handle(ctx, in, resp)
		}
		return nil
	}
	for _, rt := range r.routes {
		if rt.match(in) {
			return rt.h.Handle(ctx, in, resp)
		}
	}
	if r.fallback != nil {
		return r.fallback.Handle(ctx, in, resp)
	}
	return nil
}
