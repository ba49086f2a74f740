package line

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
)

// Chat control hands a conversation between channels of one LINE Official
// Account: the Primary Channel (where the account's chat, or another tool,
// answers users) and module channels attached to it. Only a module channel
// can call these APIs, and module channels are a partner feature that
// needs an application to LINE; for an ordinary Messaging API channel LINE
// answers 403. While a module channel is not active its events arrive with
// Mode "standby" and it must not reply.

// AcquireChatControl makes this (module) channel the active one in the
// chat with chatID (a user, group or room ID). With ttl > 0 control goes
// back to the Primary Channel after ttl (at most a year); with ttl == 0
// it stays until released.
func (c *Client) AcquireChatControl(ctx context.Context, chatID string, ttl time.Duration) (*Result, error) {
	const fn = "Client.AcquireChatControl"
	if chatID == "" {
		return nil, argError(fn, "chatID", "must not be empty")
	}
	if ttl < 0 || ttl > 365*24*time.Hour {
		return nil, argError(fn, "ttl", "must be between 0 and one year")
	}
	body := struct {
		Expired bool  `json:"expired"`
		TTL     int64 `json:"ttl,omitempty"`
	}{Expired: ttl > 0, TTL: int64(ttl / time.Second)}
	return c.control(ctx, chatID, "acquire", &body)
}

// ReleaseChatControl gives the chat with chatID back to the Primary
// Channel.
func (c *Client) ReleaseChatControl(ctx context.Context, chatID string) (*Result, error) {
	if chatID == "" {
		return nil, argError("Client.ReleaseChatControl", "chatID", "must not be empty")
	}
	return c.control(ctx, chatID, "release", nil)
}

func (c *Client) control(ctx context.Context, chatID, verb string, body any) (*Result, error) {
	req := &rest.Request{Method: http.MethodPost, Path: "v2/bot/chat/" + url.PathEscape(chatID) + "/control/" + verb, Idempotent: true}
	if body != nil {
		req.JSON = body
	}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return resultOf(resp), nil
}

// PassToHuman implements message.Handover: it releases chat control to the
// Primary Channel, where people answer through the LINE Official Account
// chat. The client must belong to a module channel (see
// [Client.AcquireChatControl]).
func (c *Client) PassToHuman(ctx context.Context, userID string) error {
	_, err := c.ReleaseChatControl(ctx, userID)
	return err
}

// TakeBack implements message.Handover: it acquires chat control for this
// module channel with no time limit.
func (c *Client) TakeBack(ctx context.Context, userID string) error {
	_, err := c.AcquireChatControl(ctx, userID, 0)
	return err
}
