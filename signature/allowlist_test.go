package signature_test

import (
	"errors"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/signature"
)

func TestTalkTalkCIDRs(t *testing.T) {
	t.Parallel()
	want := []string{"211.249.40.0/27", "211.249.68.0/27", "220.230.168.0/27"}
	got := signature.TalkTalkCIDRs()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("TalkTalkCIDRs (-want +got):\n%s", diff)
	}
	got[0] = "0.0.0.0/0"
	if signature.TalkTalkCIDRs()[0] != want[0] {
		t.Fatal("TalkTalkCIDRs returned a shared slice")
	}
}

func TestAllowList(t *testing.T) {
	t.Parallel()
	tt, err := signature.NewTalkTalkAllowList(signature.WithTrustedProxies("10.0.0.0/8", "::1"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string // client address; "" when ClientAddr errors
		allow  bool
	}{
		{name: "direct_talktalk", remote: "211.249.40.5:5555", want: "211.249.40.5", allow: true},
		{name: "direct_last_in_range", remote: "220.230.168.31:1", want: "220.230.168.31", allow: true},
		{name: "direct_just_outside", remote: "220.230.168.32:1", want: "220.230.168.32"},
		{name: "direct_stranger", remote: "203.0.113.9:443", want: "203.0.113.9"},
		{name: "stranger_forges_xff", remote: "203.0.113.9:443", xff: []string{"211.249.40.5"}, want: "203.0.113.9"},
		{name: "via_proxy", remote: "10.1.2.3:80", xff: []string{"211.249.68.7"}, want: "211.249.68.7", allow: true},
		{name: "via_two_proxies", remote: "10.1.2.3:80", xff: []string{"211.249.68.7, 10.9.9.9"}, want: "211.249.68.7", allow: true},
		{name: "client_prepends_forgery", remote: "10.1.2.3:80", xff: []string{"211.249.68.7, 203.0.113.9"}, want: "203.0.113.9"},
		{name: "several_headers", remote: "10.1.2.3:80", xff: []string{"203.0.113.1", "211.249.40.1"}, want: "211.249.40.1", allow: true},
		{name: "proxy_without_header", remote: "10.1.2.3:80", want: "10.1.2.3"},
		{name: "ipv6_loopback_proxy", remote: "[::1]:80", xff: []string{"211.249.40.2"}, want: "211.249.40.2", allow: true},
		{name: "ipv4_mapped_ipv6", remote: "[::ffff:211.249.40.3]:80", want: "211.249.40.3", allow: true},
		{name: "garbage_xff", remote: "10.1.2.3:80", xff: []string{"not-an-ip"}},
		{name: "garbage_remote", remote: "nonsense"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/talktalk", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			addr, err := tt.ClientAddr(r)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("ClientAddr = %v, want an error", addr)
				}
			} else if err != nil || addr != netip.MustParseAddr(tc.want) {
				t.Fatalf("ClientAddr = %v, %v; want %s", addr, err, tc.want)
			}
			err = tt.Check(r)
			if tc.allow != (err == nil) {
				t.Fatalf("Check = %v, want allowed=%v", err, tc.allow)
			}
			if err != nil {
				if !errors.Is(err, signature.ErrForbidden) {
					t.Errorf("Check error %v does not wrap ErrForbidden", err)
				}
				if tc.want != "" && strings.Contains(err.Error(), tc.want) {
					t.Errorf("Check error %q names the address", err)
				}
			}
		})
	}
}

func TestNewAllowListErrors(t *testing.T) {
	t.Parallel()
	for _, cidrs := range [][]string{nil, {"300.1.1.1/24"}, {"1.2.3.4/99"}, {"hello"}} {
		if _, err := signature.NewAllowList(cidrs); err == nil {
			t.Errorf("NewAllowList(%q): want an error", cidrs)
		}
	}
	if _, err := signature.NewAllowList([]string{"1.2.3.4"}, signature.WithTrustedProxies("bad")); err == nil {
		t.Error("bad proxy: want an error")
	}
	a, err := signature.NewAllowList([]string{" 192.0.2.1 ", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{"192.0.2.1": true, "192.0.2.2": false, "2001:db8::5": true, "2001:db9::1": false} {
		if got := a.Contains(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", addr, got, want)
		}
	}
	var nilList *signature.AllowList
	if nilList.Contains(netip.MustParseAddr("192.0.2.1")) {
		t.Error("nil allow-list admitted an address")
	}
}
