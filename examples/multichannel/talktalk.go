package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// talktalkFunc answers a TalkTalk event. One message goes back in the
// webhook response itself; when the answer needs several (a long text
// split in parts), all of them are sent with the client instead, since the
// webhook response holds one event.
func talktalkFunc(client *talktalk.Client, obs Observer) talktalk.HandlerFunc {
	return func(ctx context.Context, ev talktalk.Event) (talktalk.Event, error) {
		in, ok := talktalk.ToIncoming(ev)
		if !ok {
			return nil, nil
		}
		if se, isSend := ev.(*talktalk.SendEvent); isSend && se.Standby {
			return nil, nil // a human agent holds the conversation
		}
		a := Answer{Platform: message.TalkTalk, In: in, Out: Bot(in)}
		defer func() { obs.Observe(a) }()
		if a.Out == nil {
			return nil, nil
		}
		var events []*talktalk.SendEvent
		events, a.Report, a.Err = talktalk.Render(a.Out, message.RenderOptions{})
		if a.Err != nil || len(events) == 0 {
			return nil, a.Err
		}
		if len(events) == 1 {
			return events[0], nil
		}
		for _, e := range events {
			e.User = in.UserID
			if _, err := client.Send(ctx, e); err != nil {
				a.Err = fmt.Errorf("sending to TalkTalk: %w", err)
				return nil, a.Err
			}
		}
		return nil, nil
	}
}

func talktalkConfig() platformConfig {
	return platformConfig{
		name: "TalkTalk",
		// The webhook URL registered in Partner Center ends in the path
		// token: https://<host>/talktalk/<TALKTALK_PATH_TOKEN>.
		pattern:  "/talktalk/",
		required: [][]string{{"TALKTALK_AUTHORIZATION_KEY"}, {"TALKTALK_PATH_TOKEN"}},
		optional: []string{"TALKTALK_TRUSTED_PROXIES"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			pathToken := s.env("TALKTALK_PATH_TOKEN")
			if strings.Contains(pathToken, "/") {
				return nil, nil, errors.New("TALKTALK_PATH_TOKEN: must be one path segment, without a slash")
			}
			client, err := talktalk.New(s.env("TALKTALK_AUTHORIZATION_KEY"), s.talktalk...)
			if err != nil {
				return nil, nil, err
			}
			// TalkTalk signs nothing: only its published addresses are let
			// in, and only at the secret path. Behind a reverse proxy, list
			// the proxy's addresses so that its X-Forwarded-For is believed.
			var allowOpts []signature.AllowOption
			if proxies := splitList(s.env("TALKTALK_TRUSTED_PROXIES")); len(proxies) > 0 {
				allowOpts = append(allowOpts, signature.WithTrustedProxies(proxies...))
			}
			allow, err := signature.NewTalkTalkAllowList(allowOpts...)
			if err != nil {
				return nil, nil, fmt.Errorf("TALKTALK_TRUSTED_PROXIES: %w", err)
			}
			h, err := talktalk.NewWebhookHandler(talktalkFunc(client, s.obs),
				talktalk.WithAllowList(allow),
				talktalk.WithPathToken(pathToken),
				talktalk.WithLateReplyClient(client),
				talktalk.WithErrorHandler(func(r *http.Request, err error) { s.obs.Failed(message.TalkTalk, r, err) }),
			)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
