package line_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

func TestAccount(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	info := line.BotInfo{UserID: "Ubot", BasicID: "@bot", PremiumID: "@premium", DisplayName: "Bot", PictureURL: "https://example.com/b.png", ChatMode: "chat", MarkAsReadMode: "manual"}
	readTok := srv.NewMarkAsReadToken()
	tests := []struct {
		name    string
		fault   *linetest.Fault
		run     func() (any, error)
		want    any
		wantErr int
	}{
		{"bot info", nil, func() (any, error) {
			srv.SetBotInfo(info)
			got, err := c.GetBotInfo(ctx)
			if err != nil {
				return nil, err
			}
			got.Meta = line.Meta{}
			return *got, nil
		}, info, 0},
		{"bot info refused", &linetest.Fault{Path: "/v2/bot/info", Status: http.StatusForbidden}, func() (any, error) { return c.GetBotInfo(ctx) }, nil, 403},
		{"issue a link token", nil, func() (any, error) {
			tok, err := c.IssueLinkToken(ctx, "U1")
			if err != nil {
				return nil, err
			}
			user, ok := srv.LinkTokenUser(tok.Token())
			return []any{user, ok}, nil
		}, []any{"U1", true}, 0},
		{"link token refused", &linetest.Fault{Path: "/v2/bot/user/U1/linkToken", Status: http.StatusBadRequest}, func() (any, error) { return c.IssueLinkToken(ctx, "U1") }, nil, 400},
		{"mark as read by token", nil, func() (any, error) {
			_, err := c.MarkAsReadByToken(ctx, readTok)
			return srv.MarkedRead(), err
		}, []string{readTok}, 0},
		{"mark as read by a token the bot never received", nil, func() (any, error) { return c.MarkAsReadByToken(ctx, "forged-read-token") }, nil, 400},
		{"mark as read (partner)", nil, func() (any, error) {
			_, err := c.MarkAsRead(ctx, "U2")
			return srv.MarkedRead(), err
		}, []string{readTok, "U2"}, 0},
		{"mark as read, not a partner", &linetest.Fault{Path: "/v2/bot/message/markAsRead", Status: http.StatusForbidden}, func() (any, error) { return c.MarkAsRead(ctx, "U2") }, nil, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.FailNext(*tt.fault)
			}
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
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestAccountErrorsHideTokens checks that no token, neither the channel's
// nor a link or mark-as-read token, appears in an error or a printed link
// token.
func TestAccountErrorsHideTokens(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	const readTok = "PLANTED-read-token-0451"
	_, readErr := c.MarkAsReadByToken(ctx, readTok)
	if !isStatus(readErr, http.StatusBadRequest) {
		t.Fatalf("err = %v, want 400", readErr)
	}
	srv.FailNext(linetest.Fault{Path: "/v2/bot/user/", Status: http.StatusTooManyRequests, Times: 5})
	_, linkErr := c.IssueLinkToken(ctx, "U1")
	if linkErr == nil {
		t.Fatal("IssueLinkToken succeeded through 429s")
	}
	tok, err := c.IssueLinkToken(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("issued", "token", tok, "ptr", *tok)
	texts := map[string]string{
		"mark-as-read error": fmt.Sprintf("%v %+v %#v", readErr, readErr, readErr),
		"link token error":   fmt.Sprintf("%v %+v %#v", linkErr, linkErr, linkErr),
		"link token %v":      fmt.Sprintf("%v %+v %#v %s %q %x", tok, tok, tok, tok, tok, tok),
		"link token in slog": logged.String(),
	}
	for name, text := range texts {
		for _, secret := range []string{readTok, tok.Token(), linetest.ChannelToken} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows a token: %s", name, text)
			}
		}
	}
	if got, want := fmt.Sprint(tok), `line.LinkToken{Token:"[REDACTED]"}`; got != want {
		t.Errorf("printed %s, want %s", got, want)
	}
}

func TestAccountLinkURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, token, nonce string
		want               url.Values
		arg                string
	}{
		{"token and nonce", "tok en", "n+/=", url.Values{"linkToken": {"tok en"}, "nonce": {"n+/="}}, ""},
		{"no token", "", "n", nil, "linkToken"},
		{"no nonce", "t", "", nil, "nonce"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := line.AccountLinkURL(tt.token, tt.nonce)
			if tt.arg != "" {
				var ae *line.ArgumentError
				if !errors.As(err, &ae) || ae.Arg != tt.arg {
					t.Fatalf("err = %v, want an ArgumentError for %s", err, tt.arg)
				}
				return
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if base := u.Scheme + "://" + u.Host + u.Path; base != line.AccountLinkBase {
				t.Errorf("base %s, want %s", base, line.AccountLinkBase)
			}
			if diff := cmp.Diff(tt.want, u.Query()); diff != "" {
				t.Errorf("query (-want +got)\n%s", diff)
			}
		})
	}
}

func TestAccountArguments(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name string
		run  func() error
		arg  string
	}{
		{"link token user", func() error { _, err := c.IssueLinkToken(ctx, ""); return err }, "userID"},
		{"mark-as-read token", func() error { _, err := c.MarkAsReadByToken(ctx, ""); return err }, "markAsReadToken"},
		{"mark-as-read user", func() error { _, err := c.MarkAsRead(ctx, ""); return err }, "userID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
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

// Account linking: a link token for the user who asked, the address of
// LINE's linking dialog once they logged in to your service, and the
// accountLink event that comes back with your nonce.
func ExampleClient_IssueLinkToken() {
	api, err := linetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer api.Close()
	client := api.Client()
	ctx := context.Background()

	tok, err := client.IssueLinkToken(ctx, "U4af4980629")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok) // never the token itself

	// … the user logs in to your service; you keep a fresh nonce with
	// their account, and redirect them:
	link, err := line.AccountLinkURL(tok.Token(), "eW91ci1yYW5kb20tbm9uY2U")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(link, line.AccountLinkBase+"?"))
	// LINE then sends a *line.AccountLinkEvent with Link.Result "ok" and
	// Link.Nonce "eW91ci1yYW5kb20tbm9uY2U".

	// Output:
	// line.LinkToken{Token:"[REDACTED]"}
	// true
}
