package line

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Narrowcast, its progress, and the monthly message quota.

// NarrowcastTarget says whom a narrowcast reaches: friends in an audience
// (Recipient: an AudienceRecipient, a RedeliveryRecipient, or an
// OperatorRecipient combining them), narrowed by demographics (Filter),
// and capped (Limit). All three are optional (with none, LINE's reference
// suggests every friend is a target, as with broadcast: UNCONFIRMED).
//
// The values are line-bot-sdk-go's, and its encoder fills in the "type"
// of a recipient or demographic filter given by pointer on the value
// itself: build a target per call, or set the Type fields, before sharing
// one between goroutines.
type NarrowcastTarget struct {
	Recipient messaging_api.RecipientInterface
	Filter    *messaging_api.Filter
	Limit     *messaging_api.Limit
}

// Narrowcast sends messages to the friends target selects. LINE accepts
// the request (202) and sends in the background: follow it with
// [Client.GetNarrowcastProgress] and the result's [SendResult.ProgressID].
// It carries a retry key as [Client.Push] does; [NotificationDisabled]
// and [RetryKey] apply, aggregation units do not. Messages are checked
// against LINE's limits, and Limit.Max, when set, must be at least 1.
func (c *Client) Narrowcast(ctx context.Context, msgs []messaging_api.MessageInterface, target NarrowcastTarget, opts ...SendOption) (*SendResult, error) {
	const fn = "Client.Narrowcast"
	sc, err := sendOptions(fn, opts)
	if err != nil {
		return nil, err
	}
	if len(sc.units) > 0 {
		return nil, argError(fn, "opts", "narrowcast takes no aggregation unit")
	}
	if target.Limit != nil && target.Limit.Max < 0 {
		return nil, validationError("limit.max", "must be at least 1")
	}
	enc, err := encodeMessages(fn, msgs)
	if err != nil {
		return nil, err
	}
	req := messaging_api.NarrowcastRequest{Recipient: target.Recipient, Filter: target.Filter, Limit: target.Limit}
	b, err := json.Marshal(&req)
	var parts struct {
		Recipient json.RawMessage `json:"recipient"`
		Filter    json.RawMessage `json:"filter"`
		Limit     json.RawMessage `json:"limit"`
	}
	if err == nil {
		err = json.Unmarshal(b, &parts)
	}
	if err != nil {
		return nil, argError(fn, "target", "does not encode as JSON")
	}
	body := struct {
		Messages             []json.RawMessage `json:"messages"`
		Recipient            json.RawMessage   `json:"recipient,omitempty"`
		Filter               json.RawMessage   `json:"filter,omitempty"`
		Limit                json.RawMessage   `json:"limit,omitempty"`
		NotificationDisabled bool              `json:"notificationDisabled,omitempty"`
	}{enc, nullIsNone(parts.Recipient), nullIsNone(parts.Filter), nullIsNone(parts.Limit), sc.notificationDisabled}
	return c.postKeyed(ctx, "v2/bot/message/narrowcast", sc.retryKey, &body)
}

func nullIsNone(raw json.RawMessage) json.RawMessage {
	if string(raw) == "null" {
		return nil
	}
	return raw
}

// ProgressID is the request ID that names an accepted narrowcast (or
// rich-menu batch) when asking for its progress: the request's own, or,
// for a duplicate, the request ID of the one LINE accepted earlier.
func (r *SendResult) ProgressID() string {
	if r.Duplicate && r.AcceptedRequestID != "" {
		return r.AcceptedRequestID
	}
	return r.Meta.RequestID
}

// NarrowcastProgress is how far a narrowcast has gone.
type NarrowcastProgress struct {
	// Phase is "waiting" (targets are being selected), "sending",
	// "succeeded" or "failed".
	Phase string `json:"phase"`
	// SuccessCount, FailureCount and TargetCount are zero until LINE
	// reports them.
	SuccessCount int64 `json:"successCount"`
	FailureCount int64 `json:"failureCount"`
	TargetCount  int64 `json:"targetCount"`
	// FailedDescription and ErrorCode say why a "failed" narrowcast
	// failed (codes 1–5: internal error, too few recipients, a retried
	// request, an audience under 50, delivery cancelled to avoid a
	// partial one).
	FailedDescription string    `json:"failedDescription,omitempty"`
	ErrorCode         int       `json:"errorCode,omitempty"`
	AcceptedTime      time.Time `json:"acceptedTime"`
	// CompletedTime is set once the phase is "succeeded" or "failed".
	CompletedTime time.Time `json:"completedTime,omitzero"`
	Meta          Meta      `json:"-"`
}

// GetNarrowcastProgress returns the progress of the narrowcast whose
// request ID is requestID ([SendResult.ProgressID]).
func (c *Client) GetNarrowcastProgress(ctx context.Context, requestID string) (*NarrowcastProgress, error) {
	if err := nonEmpty("Client.GetNarrowcastProgress", "requestID", requestID); err != nil {
		return nil, err
	}
	out := new(NarrowcastProgress)
	resp, err := c.getJSON(ctx, "v2/bot/message/progress/narrowcast", url.Values{"requestId": {requestID}}, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// MessageQuota is the month's target limit for messages sent.
type MessageQuota struct {
	// Type is "none" (no limit) or "limited".
	Type string `json:"type"`
	// Value is the limit, when Type is "limited".
	Value int64 `json:"value,omitempty"`
	Meta  Meta  `json:"-"`
}

// QuotaConsumption is how many messages were sent this month.
type QuotaConsumption struct {
	TotalUsage int64 `json:"totalUsage"`
	Meta       Meta  `json:"-"`
}

// GetMessageQuota returns the month's target limit (free and additional
// messages together).
func (c *Client) GetMessageQuota(ctx context.Context) (*MessageQuota, error) {
	out := new(MessageQuota)
	resp, err := c.getJSON(ctx, "v2/bot/message/quota", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// GetMessageQuotaConsumption returns how many messages count against
// this month's quota so far.
func (c *Client) GetMessageQuotaConsumption(ctx context.Context) (*QuotaConsumption, error) {
	out := new(QuotaConsumption)
	resp, err := c.getJSON(ctx, "v2/bot/message/quota/consumption", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}
