package line_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

func TestNarrowcast(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := linetest.NewServer(t, linetest.WithClock(func() time.Time { return at }))
	c, _ := newClient(t, srv)
	ctx := context.Background()
	const key = "123e4567-e89b-42d3-a456-426614174000"
	var first *line.SendResult
	tests := []struct {
		name    string
		run     func() (any, error)
		want    any
		wantErr int
	}{
		{"to an audience, capped", func() (any, error) {
			r, err := c.Narrowcast(ctx, text("sale"), line.NarrowcastTarget{
				Recipient: &messaging_api.AudienceRecipient{AudienceGroupId: 42},
				Limit:     &messaging_api.Limit{Max: 100},
			}, line.RetryKey(key), line.NotificationDisabled())
			if err != nil {
				return nil, err
			}
			first = r
			call := srv.CallsTo("/v2/bot/message/narrowcast")[0]
			return []any{r.Duplicate, r.ProgressID() != "", call.RetryKey, call.JSON["recipient"], call.JSON["limit"].(map[string]any)["max"], call.JSON["notificationDisabled"]},
				nil
		}, []any{false, true, key, map[string]any{"type": "audience", "audienceGroupId": float64(42)}, float64(100), true}, 0},
		{"the same retry key again", func() (any, error) {
			r, err := c.Narrowcast(ctx, text("sale"), line.NarrowcastTarget{}, line.RetryKey(key))
			if err != nil {
				return nil, err
			}
			return []any{r.Duplicate, r.ProgressID() == first.ProgressID()}, nil
		}, []any{true, true}, 0},
		{"progress of the first", func() (any, error) {
			p, err := c.GetNarrowcastProgress(ctx, first.ProgressID())
			if err != nil {
				return nil, err
			}
			return []any{p.Phase, p.AcceptedTime, p.CompletedTime}, nil
		}, []any{"succeeded", at, at}, 0},
		{"progress set by the test", func() (any, error) {
			srv.SetNarrowcastProgress("req-1", line.NarrowcastProgress{Phase: "failed", ErrorCode: 4, FailedDescription: "audience too small", AcceptedTime: at})
			p, err := c.GetNarrowcastProgress(ctx, "req-1")
			if err != nil {
				return nil, err
			}
			return []any{p.Phase, p.ErrorCode, p.FailedDescription, p.CompletedTime.IsZero()}, nil
		}, []any{"failed", 4, "audience too small", true}, 0},
		{"progress of an unknown request", func() (any, error) { return c.GetNarrowcastProgress(ctx, "req-nope") }, nil, 404},
		{"narrowcast refused", func() (any, error) {
			srv.FailNext(linetest.Fault{Path: "/v2/bot/message/narrowcast", Status: http.StatusForbidden})
			return c.Narrowcast(ctx, text("x"), line.NarrowcastTarget{})
		}, nil, 403},
		{"quota", func() (any, error) {
			srv.SetMessageQuota(line.MessageQuota{Type: "limited", Value: 1000})
			q, err := c.GetMessageQuota(ctx)
			if err != nil {
				return nil, err
			}
			return []any{q.Type, q.Value}, nil
		}, []any{"limited", int64(1000)}, 0},
		{"quota refused", func() (any, error) {
			srv.FailNext(linetest.Fault{Path: "/v2/bot/message/quota", Status: http.StatusUnauthorized})
			return c.GetMessageQuota(ctx)
		}, nil, 401},
		{"consumption", func() (any, error) {
			srv.SetQuotaConsumption(500)
			q, err := c.GetMessageQuotaConsumption(ctx)
			if err != nil {
				return nil, err
			}
			return q.TotalUsage, nil
		}, int64(500), 0},
		{"consumption refused", func() (any, error) {
			srv.FailNext(linetest.Fault{Path: "/v2/bot/message/quota/consumption", Status: http.StatusUnauthorized})
			return c.GetMessageQuotaConsumption(ctx)
		}, nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if tt.wantErr != 0 {
				if !isStatus(err, tt.wantErr) {
					t.Fatalf("err = %v, want an APIError %d", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	if n := len(srv.Accepted()); n != 1 {
		t.Errorf("%d narrowcasts accepted, want 1", n)
	}
}

func TestNarrowcastRetriedWithItsKey(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	srv.FailAfterAccept("/v2/bot/message/narrowcast", 1)
	r, err := c.Narrowcast(context.Background(), text("x"), line.NarrowcastTarget{})
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.CallsTo("/v2/bot/message/narrowcast")
	if len(calls) != 2 || calls[0].RetryKey != calls[1].RetryKey || !r.Duplicate || len(srv.Accepted()) != 1 {
		t.Errorf("%d calls, keys equal %v, duplicate %v, accepted %d; want 2, true, true, 1",
			len(calls), len(calls) == 2 && calls[0].RetryKey == calls[1].RetryKey, r.Duplicate, len(srv.Accepted()))
	}
	if _, err := c.GetNarrowcastProgress(context.Background(), r.ProgressID()); err != nil {
		t.Errorf("progress of the accepted attempt: %v", err)
	}
}

func TestWebhookEndpoint(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name    string
		run     func() (any, error)
		want    any
		wantErr int
	}{
		{"test with no URL set", func() (any, error) { return c.TestWebhookEndpoint(ctx, "") }, nil, 400},
		{"set", func() (any, error) {
			return nil, errOnly(c.SetWebhookEndpoint(ctx, "https://bot.example.com/callback"))
		}, nil, 0},
		{"get", func() (any, error) {
			srv.SetWebhookActive(true)
			e, err := c.GetWebhookEndpoint(ctx)
			if err != nil {
				return nil, err
			}
			return []any{e.Endpoint, e.Active}, nil
		}, []any{"https://bot.example.com/callback", true}, 0},
		{"get refused", func() (any, error) {
			srv.FailNext(linetest.Fault{Path: "/v2/bot/channel/webhook/endpoint", Status: http.StatusUnauthorized})
			return c.GetWebhookEndpoint(ctx)
		}, nil, 401},
		{"set refused", func() (any, error) {
			srv.FailNext(linetest.Fault{Path: "/v2/bot/channel/webhook/endpoint", Status: http.StatusBadRequest})
			return c.SetWebhookEndpoint(ctx, "https://bot.example.com/other")
		}, nil, 400},
		{"test the set URL", func() (any, error) {
			r, err := c.TestWebhookEndpoint(ctx, "")
			if err != nil {
				return nil, err
			}
			return []any{r.Success, r.StatusCode, r.Reason}, nil
		}, []any{true, 200, "OK"}, 0},
		{"test another URL that fails", func() (any, error) {
			srv.SetWebhookTestResult(line.WebhookTest{Success: false, StatusCode: 500, Reason: "ERROR_STATUS_CODE", Detail: "500"})
			r, err := c.TestWebhookEndpoint(ctx, "https://bot.example.com/broken")
			if err != nil {
				return nil, err
			}
			return []any{r.Success, r.StatusCode, r.Reason, srv.CallsTo("/v2/bot/channel/webhook/test")[2].JSON["endpoint"]}, nil
		}, []any{false, 500, "ERROR_STATUS_CODE", "https://bot.example.com/broken"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if tt.wantErr != 0 {
				if !isStatus(err, tt.wantErr) {
					t.Fatalf("err = %v, want an APIError %d", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func errOnly(_ any, err error) error { return err }

func TestContentPreviewAndTranscoding(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	srv.SetContentPreview("m1", "image/jpeg", []byte("preview bytes"))
	srv.SetContent("m2", "video/mp4", []byte("video"))
	srv.SetTranscoding("m3", "processing")
	tests := []struct {
		name    string
		run     func() (any, error)
		want    any
		wantErr int
	}{
		{"preview", func() (any, error) {
			d, err := c.GetContentPreview(ctx, "m1")
			if err != nil {
				return nil, err
			}
			defer d.Body.Close()
			b, _ := io.ReadAll(d.Body)
			return []any{d.ContentType, string(b)}, nil
		}, []any{"image/jpeg", "preview bytes"}, 0},
		{"no preview", func() (any, error) { return c.GetContentPreview(ctx, "m2") }, nil, 404},
		{"content ready", func() (any, error) {
			s, err := c.GetContentTranscoding(ctx, "m2")
			if err != nil {
				return nil, err
			}
			return s.Status, nil
		}, "succeeded", 0},
		{"content processing", func() (any, error) {
			s, err := c.GetContentTranscoding(ctx, "m3")
			if err != nil {
				return nil, err
			}
			return s.Status, nil
		}, "processing", 0},
		{"unknown content", func() (any, error) { return c.GetContentTranscoding(ctx, "m9") }, nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if tt.wantErr != 0 {
				if !isStatus(err, tt.wantErr) {
					t.Fatalf("err = %v, want an APIError %d", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestChannelArguments(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	long := "https://example.com/" + strings.Repeat("a", 481)
	tests := []struct {
		name string
		run  func() error
		arg  string // "" for a ValidationError
		path string
	}{
		{"narrowcast with a unit", func() error {
			_, err := c.Narrowcast(ctx, text("x"), line.NarrowcastTarget{}, line.AggregationUnits("u"))
			return err
		}, "opts", ""},
		{"narrowcast without messages", func() error { _, err := c.Narrowcast(ctx, nil, line.NarrowcastTarget{}); return err }, "", "messages"},
		{"narrowcast limit below 1", func() error {
			_, err := c.Narrowcast(ctx, text("x"), line.NarrowcastTarget{Limit: &messaging_api.Limit{Max: -1}})
			return err
		}, "", "limit.max"},
		{"progress without an ID", func() error { _, err := c.GetNarrowcastProgress(ctx, ""); return err }, "requestID", ""},
		{"endpoint over http", func() error { _, err := c.SetWebhookEndpoint(ctx, "http://example.com/cb"); return err }, "endpoint", ""},
		{"endpoint relative", func() error { _, err := c.SetWebhookEndpoint(ctx, "/cb"); return err }, "endpoint", ""},
		{"endpoint too long", func() error { _, err := c.SetWebhookEndpoint(ctx, long); return err }, "endpoint", ""},
		{"test endpoint over http", func() error { _, err := c.TestWebhookEndpoint(ctx, "http://x"); return err }, "endpoint", ""},
		{"preview", func() error { _, err := c.GetContentPreview(ctx, ""); return err }, "messageID", ""},
		{"transcoding", func() error { _, err := c.GetContentTranscoding(ctx, ""); return err }, "messageID", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if tt.arg == "" {
				var ve *line.ValidationError
				if !errors.As(err, &ve) || ve.Path != tt.path {
					t.Fatalf("err = %v, want a ValidationError at %s", err, tt.path)
				}
				return
			}
			var ae *line.ArgumentError
			if !errors.As(err, &ae) || ae.Arg != tt.arg {
				t.Fatalf("err = %v, want an ArgumentError for %s", err, tt.arg)
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("%d requests sent for bad arguments", len(calls))
	}
}
