package naverworks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

// recordSleep is a retry wait that records instead of sleeping.
type recordSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordSleep) sleep(_ context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return nil
}

func newClient(t *testing.T, srv *naverworkstest.Server, opts ...naverworks.Option) *naverworks.Client {
	t.Helper()
	c, err := srv.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSendToUserAndChannel(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	res, err := c.SendToUser(ctx, "user@example.com", &naverworks.Text{Text: "안녕"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meta.StatusCode != http.StatusCreated {
		t.Errorf("status = %d, want 201", res.Meta.StatusCode)
	}
	if _, err := c.SendToChannel(ctx, "ch/1=", &naverworks.Sticker{PackageID: "1", StickerID: "2"}); err != nil {
		t.Fatal(err)
	}
	want := []naverworkstest.Message{
		{BotID: naverworkstest.BotID, UserID: "user@example.com", Type: "text", Text: "안녕", Content: json.RawMessage(`{"type":"text","text":"안녕"}`)},
		{BotID: naverworkstest.BotID, ChannelID: "ch/1=", Type: "sticker", Content: json.RawMessage(`{"type":"sticker","packageId":"1","stickerId":"2"}`)},
	}
	if diff := cmp.Diff(want, srv.Messages()); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	calls := srv.Calls()
	last := calls[len(calls)-1]
	if last.Path != "/v1.0/bots/2000001/channels/ch/1=/messages" || last.Header.Get("Authorization") != "Bearer fake-access-token-1" {
		t.Errorf("last call %s with %q", last.Path, last.Header.Get("Authorization"))
	}
}

func TestReplyTarget(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := newClient(t, srv)
	tests := []struct {
		name string
		src  naverworks.Source
		want naverworkstest.Message
	}{
		{"1:1", naverworks.Source{UserID: "u1"}, naverworkstest.Message{UserID: "u1"}},
		{"room", naverworks.Source{UserID: "u1", ChannelID: "c1"}, naverworkstest.Message{ChannelID: "c1"}},
	}
	for _, tt := range tests {
		srv.Reset()
		ev := &naverworks.MessageEvent{Envelope: naverworks.Envelope{Source: tt.src}, Content: &naverworks.TextContent{Text: "hi"}}
		if _, err := c.Reply(t.Context(), ev, &naverworks.Text{Text: "yo"}); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := srv.Messages()[0]
		if got.UserID != tt.want.UserID || got.ChannelID != tt.want.ChannelID {
			t.Errorf("%s: sent to user %q channel %q, want %q %q", tt.name, got.UserID, got.ChannelID, tt.want.UserID, tt.want.ChannelID)
		}
	}
}

// 1,000 goroutines sending with a cold cache cause exactly one token
// request; after the server expires every token, exactly one refresh.
func TestConcurrentSendsShareOneToken(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := newClient(t, srv)
	const n = 1000
	sendAll := func() {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.SendToUser(context.Background(), "u", &naverworks.Text{Text: "x"}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	sendAll()
	if got := srv.TokenRequests(); got != 1 {
		t.Fatalf("cold cache: %d token requests, want 1", got)
	}
	srv.ExpireTokens()
	sendAll()
	if got := srv.TokenRequests(); got != 2 {
		t.Fatalf("after expiry: %d token requests in total, want 2 (exactly one refresh)", got)
	}
	if got := len(srv.Messages()); got != 2*n {
		t.Errorf("%d messages recorded, want %d", got, 2*n)
	}
}

// A token that expires by the client's clock is refreshed once, however
// many goroutines notice.
func TestClockExpiryRefreshesOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	offset := time.Duration(0)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(offset) }
	srv := naverworkstest.NewServer(t, naverworkstest.WithClock(now), naverworkstest.WithTokenLifetime(time.Hour))
	ts, err := srv.TokenSource(naverworks.WithTokenClock(now))
	if err != nil {
		t.Fatal(err)
	}
	first, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	offset = 56 * time.Minute // inside the 5-minute margin
	mu.Unlock()
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := ts.Token()
			if err != nil || tok.AccessToken == first.AccessToken {
				t.Errorf("Token() = %v, %v; want a new token", tok, err)
			}
		}()
	}
	wg.Wait()
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("%d token requests, want 2", got)
	}
}

func TestUnauthorizedRetriesOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		code     string
		times    int
		wantErr  bool
		wantToks int
	}{
		{"401 once", http.StatusUnauthorized, "UNAUTHORIZED", 1, false, 2},
		{"403 UNAUTHORIZED once", http.StatusForbidden, "UNAUTHORIZED", 1, false, 2},
		{"401 twice gives up", http.StatusUnauthorized, "UNAUTHORIZED", 2, true, 2},
		{"403 FORBIDDEN is not retried", http.StatusForbidden, "FORBIDDEN", 1, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			c := newClient(t, srv)
			srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: tt.status, Body: naverworkstest.ErrorBody(tt.code, "injected by naverworkstest"), Times: tt.times})
			_, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			var ae *naverworks.APIError
			if tt.wantErr && (!errors.As(err, &ae) || ae.StatusCode != tt.status || ae.Code != tt.code) {
				t.Errorf("err = %#v, want *APIError %d %s", err, tt.status, tt.code)
			}
			if got := srv.TokenRequests(); got != tt.wantToks {
				t.Errorf("%d token requests, want %d", got, tt.wantToks)
			}
		})
	}
}

func TestRateLimitHonoursReset(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	var rs recordSleep
	c := newClient(t, srv, naverworks.WithSleep(rs.sleep), naverworks.WithRetry(3, 100*time.Millisecond, 10*time.Second))
	srv.RateLimitNext(2, 3*time.Second)
	if _, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{3 * time.Second, 3 * time.Second}, rs.waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	// More than the retry budget: the 429 comes back typed.
	srv.RateLimitNext(3, time.Second)
	_, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"})
	var ae *naverworks.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.Code != "TOO_MANY_REQUESTS" || ae.RetryAfter != time.Second || ae.RateLimit.Limit != 240 || ae.RateLimit.Used != 240 {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(ae.Error(), "API rate limit exceeded") || strings.Contains(ae.Error(), "{") {
		t.Errorf("Error() = %q", ae.Error())
	}
}

func TestSendNotRetriedOn500(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	var rs recordSleep
	c := newClient(t, srv, naverworks.WithSleep(rs.sleep))
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 500})
	_, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"})
	var ae *naverworks.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 {
		t.Fatalf("err = %v, want the 500", err)
	}
	if len(srv.Messages()) != 0 || len(rs.waits) != 0 {
		t.Errorf("a send was retried after a 500")
	}
	// A GET is idempotent and is retried.
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 503})
	if _, err := c.RichMenus(t.Context(), "", 0); err != nil {
		t.Fatal(err)
	}
}

func TestValidationBeforeSending(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := newClient(t, srv)
	tooMany := make([]naverworks.Action, 11)
	for i := range tooMany {
		tooMany[i] = &naverworks.MessageAction{Label: "b", Text: "b"}
	}
	tests := []struct {
		name    string
		content naverworks.Content
		path    string
	}{
		{"long text", &naverworks.Text{Text: strings.Repeat("가", 2001)}, "content.text"},
		{"emoji counted in UTF-16", &naverworks.Text{Text: strings.Repeat("👋", 1001)}, "content.text"},
		{"too many buttons", &naverworks.ButtonTemplate{ContentText: "x", Actions: tooMany}, "content.actions"},
		{"postback in button template", &naverworks.ButtonTemplate{ContentText: "x", Actions: []naverworks.Action{&naverworks.PostbackAction{Label: "a", Data: "d"}}}, "content.actions[0].type"},
		{"image needs one source", &naverworks.Image{}, "content"},
		{"http image", &naverworks.Image{OriginalContentURL: "http://x/a.png", PreviewImageURL: "https://x/p.png"}, "content.originalContentUrl"},
		{"quick reply postback without displayText", &naverworks.Text{Text: "x", QuickReply: &naverworks.QuickReply{Items: []naverworks.QuickReplyItem{{Action: &naverworks.PostbackAction{Label: "a", Data: "d"}}}}}, "content.quickReply.items[0].action.displayText"},
		{"carousel columns disagree", &naverworks.Carousel{Columns: []naverworks.CarouselColumn{
			{Text: "a", Actions: []naverworks.Action{&naverworks.URIAction{Label: "l", URI: "https://x"}}},
			{Text: "b", Actions: []naverworks.Action{&naverworks.URIAction{Label: "l", URI: "https://x"}, &naverworks.URIAction{Label: "m", URI: "https://y"}}},
		}}, "content.columns[1].actions"},
		{"image carousel label", &naverworks.ImageCarousel{Columns: []naverworks.ImageColumn{{FileID: "f", Action: &naverworks.MessageAction{Label: strings.Repeat("a", 13), Text: "x"}}}}, "content.columns[0].action.label"},
		{"flex contents", &naverworks.Flex{AltText: "x", Contents: json.RawMessage(`[]`)}, "content.contents"},
		{"nil", nil, "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SendToUser(t.Context(), "u", tt.content)
			var ve *naverworks.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, naverworks.ErrInvalid) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if ve.Path != tt.path {
				t.Errorf("path = %q, want %q (%v)", ve.Path, tt.path, err)
			}
		})
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

func TestChannelsMenusAttachments(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	ch, err := c.CreateChannel(ctx, []string{"u1", "u2"}, "team")
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChannelID == "" || ch.Title != "team" || ch.Meta.StatusCode != 201 {
		t.Errorf("channel = %+v", ch)
	}
	m, err := c.ChannelMembers(ctx, ch.ChannelID, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"u1", "u2"}, m.Members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if _, err := c.LeaveChannel(ctx, ch.ChannelID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateChannel(ctx, []string{"u1", "u1"}, ""); !errors.Is(err, naverworks.ErrInvalid) {
		t.Errorf("duplicate members: err = %v", err)
	}

	menu := []naverworks.Action{&naverworks.MessageAction{Label: "Help", Text: "help"}, &naverworks.URIAction{Label: "Site", URI: "https://example.com"}, &naverworks.CopyAction{Label: "Copy", CopyText: "x"}}
	if _, err := c.SetPersistentMenu(ctx, menu...); err != nil {
		t.Fatal(err)
	}
	pm, err := c.PersistentMenu(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(menu, pm.Actions); diff != "" {
		t.Errorf("persistent menu round trip (-want +got):\n%s", diff)
	}
	if _, err := c.SetPersistentMenu(ctx, &naverworks.PostbackAction{Label: "p", Data: "d"}); !errors.Is(err, naverworks.ErrInvalid) {
		t.Errorf("postback in persistent menu: err = %v", err)
	}
	if _, err := c.DeletePersistentMenu(ctx); err != nil {
		t.Fatal(err)
	}

	rm, err := c.CreateRichMenu(ctx, naverworks.RichMenu{RichMenuName: "main", Size: naverworks.RichMenuSmall, Areas: []naverworks.RichMenuArea{
		{Bounds: naverworks.Bounds{Width: 1250, Height: 843}, Action: &naverworks.PostbackAction{Data: "left"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	fileID, err := c.UploadFile(ctx, "menu.png", "image/png", []byte("\x89PNG fake"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetRichMenuImage(ctx, rm.RichMenuID, fileID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetUserRichMenu(ctx, rm.RichMenuID, "u1"); err != nil {
		t.Fatal(err)
	}
	list, err := c.RichMenus(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.RichMenus) != 1 || list.RichMenus[0].RichMenuID != rm.RichMenuID {
		t.Fatalf("rich menus = %+v", list.RichMenus)
	}
	if diff := cmp.Diff(rm.Areas, list.RichMenus[0].Areas); diff != "" {
		t.Errorf("areas round trip (-want +got):\n%s", diff)
	}
	if _, err := c.DeleteRichMenu(ctx, rm.RichMenuID); err != nil {
		t.Fatal(err)
	}

	// Download follows the 302 with the token and streams the file.
	srv.AddFile("WAAAQ/x=", "image/jpeg", []byte("jpeg bytes"))
	d, err := c.Download(ctx, "WAAAQ/x=")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Body.Close()
	got, _ := io.ReadAll(d.Body)
	if string(got) != "jpeg bytes" || d.ContentType != "image/jpeg" || d.ContentLength != 10 {
		t.Errorf("download = %q %q %d", got, d.ContentType, d.ContentLength)
	}
	data, ct, _ := srv.File(fileID)
	if string(data) != "\x89PNG fake" || ct != "image/png" {
		t.Errorf("uploaded %q %q", data, ct)
	}
}

func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts, err := srv.TokenSource(naverworks.WithTokenLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	c, err := naverworks.New(naverworkstest.BotID, ts, naverworks.WithBaseURL(srv.BaseURL()), naverworks.WithHTTPClient(srv.HTTPClient()), naverworks.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 401, Times: 2})
	_, sendErr := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"})
	if sendErr == nil {
		t.Fatal("want an error")
	}
	creds := srv.Credentials()
	creds.ClientSecret = "wrong-secret-value"
	bad, err := naverworks.TokenSource(t.Context(), creds, naverworks.WithTokenURL(srv.TokenURL()), naverworks.WithTokenHTTPClient(srv.HTTPClient()), naverworks.WithTokenLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	_, tokErr := bad.Token()
	var te *naverworks.TokenError
	if !errors.As(tokErr, &te) || te.Code != "invalid_client" {
		t.Fatalf("token error = %v", tokErr)
	}
	tok, _ := ts.Token()
	blob := strings.Join([]string{sendErr.Error(), tokErr.Error(), logs.String(),
		fmtAll(creds), fmtAll(ts), fmtAll(c)}, "\n")
	for _, secret := range []string{tok.AccessToken, "fake-access-token", naverworkstest.ClientSecret, "wrong-secret-value", "PRIVATE KEY", keyBody(creds.PrivateKey)} {
		if strings.Contains(blob, secret) {
			t.Errorf("output leaks %q:\n%s", secret, blob)
		}
	}
}

func keyBody(pem string) string {
	lines := strings.Split(pem, "\n")
	return lines[1]
}

// A file location that answers with another redirect, or an error, is an
// error from Download, never a panic, and the bearer token does not leave
// for an untrusted host.
func TestDownloadBadFileLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		loc    string
	}{
		{"second redirect", http.StatusFound, "https://cdn.example.com/f"},
		{"not modified", http.StatusNotModified, ""},
		{"not found", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			c := newClient(t, srv)
			srv.AddFile("f1", "text/plain", []byte("data"))
			srv.Handle("GET /files/{fileId}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.loc != "" {
					w.Header().Set("Location", tt.loc)
				}
				w.WriteHeader(tt.status)
			}))
			d, err := c.Download(t.Context(), "f1")
			if err == nil {
				d.Body.Close()
				t.Fatalf("Download succeeded with HTTP %d from the file location", tt.status)
			}
			if !strings.Contains(err.Error(), "naverworks:") {
				t.Errorf("err = %v, want a naverworks error", err)
			}
		})
	}
}

// The two steps of the upload flow, called one by one, with their error
// paths (UploadFile, which chains them, is tested with the rich menus).
func TestAttachmentSteps(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	if c.BotID() != naverworkstest.BotID {
		t.Errorf("BotID() = %q", c.BotID())
	}

	a, err := c.CreateAttachment(ctx, "report.pdf", 4)
	if err != nil {
		t.Fatal(err)
	}
	if a.FileID == "" || a.UploadURL == "" || a.Meta.StatusCode/100 != 2 {
		t.Fatalf("attachment = %+v", a)
	}
	if _, err := c.Upload(ctx, a.UploadURL, "report.pdf", "application/pdf", strings.NewReader("%PDF")); err != nil {
		t.Fatal(err)
	}
	if data, _, ok := srv.File(a.FileID); !ok || string(data) != "%PDF" {
		t.Errorf("fake holds %q (%v) for the uploaded file", data, ok)
	}

	if _, err := c.CreateAttachment(ctx, "", 1); err == nil {
		t.Error("empty file name accepted")
	}
	if _, err := c.Upload(ctx, "not a url", "f", "text/plain", strings.NewReader("x")); err == nil {
		t.Error("relative upload URL accepted")
	}
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusInternalServerError, Body: naverworkstest.ErrorBody("SERVER_ERROR", "injected by naverworkstest")})
	var apiErr *naverworks.APIError
	if _, err := c.CreateAttachment(ctx, "x.txt", 1); !errors.As(err, &apiErr) || apiErr.Code != "SERVER_ERROR" {
		t.Errorf("failing create: err = %v", err)
	}
}
