package signature

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// talkTalkCIDRs are the source ranges NAVER TalkTalk publishes for its
// webhook calls (changed 2021-06-23).
var talkTalkCIDRs = [...]string{"211.249.40.0/27", "211.249.68.0/27", "220.230.168.0/27"}

// TalkTalkCIDRs returns the address ranges NAVER TalkTalk sends webhooks
// from, as published in its chatbot API documentation. The slice is a fresh
// copy on every call.
func TalkTalkCIDRs() []string { return append([]string(nil), talkTalkCIDRs[:]...) }

// An AllowList admits requests whose client address lies in one of its
// prefixes. It is immutable and safe for concurrent use; the zero value
// admits nothing.
//
// The client address is the TCP peer (http.Request.RemoteAddr) unless that
// peer is a trusted proxy: then X-Forwarded-For is read right to left,
// skipping trusted proxies, and the first untrusted address is the client.
// A header sent by anyone else is ignored, so a caller cannot forge its way
// in by adding X-Forwarded-For itself.
type AllowList struct {
	allow   []netip.Prefix
	proxies []netip.Prefix
}

// An AllowOption configures an [AllowList].
type AllowOption func(*AllowList) error

// WithTrustedProxies names the reverse proxies and load balancers (as CIDRs
// or single addresses) whose X-Forwarded-For header is believed.
func WithTrustedProxies(cidrs ...string) AllowOption {
	return func(a *AllowList) error {
		p, err := parsePrefixes(cidrs)
		if err != nil {
			return err
		}
		a.proxies = append(a.proxies, p...)
		return nil
	}
}

// NewAllowList returns an allow-list of cidrs (CIDR prefixes or single IPv4
// or IPv6 addresses). It is an error to pass none, or one that does not
// parse.
func NewAllowList(cidrs []string, opts ...AllowOption) (*AllowList, error) {
	if len(cidrs) == 0 {
		return nil, fmt.Errorf("signature: allow-list needs at least one CIDR")
	}
	allow, err := parsePrefixes(cidrs)
	if err != nil {
		return nil, err
	}
	a := &AllowList{allow: allow}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// NewTalkTalkAllowList returns an allow-list of [TalkTalkCIDRs].
func NewTalkTalkAllowList(opts ...AllowOption) (*AllowList, error) {
	return NewAllowList(TalkTalkCIDRs(), opts...)
}

func parsePrefixes(cidrs []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, c := range cidrs {
		c = strings.TrimSpace(c)
		if strings.Contains(c, "/") {
			p, err := netip.ParsePrefix(c)
			if err != nil {
				return nil, fmt.Errorf("signature: bad CIDR %q: %w", c, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(c)
		if err != nil {
			return nil, fmt.Errorf("signature: bad address %q: %w", c, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Contains reports whether addr lies in the allow-list.
func (a *AllowList) Contains(addr netip.Addr) bool {
	if a == nil {
		return false
	}
	return contains(a.allow, addr.Unmap())
}

func contains(ps []netip.Prefix, addr netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address of the client that sent r, applying the
// trusted-proxy rule described on [AllowList].
func (a *AllowList) ClientAddr(r *http.Request) (netip.Addr, error) {
	peer, err := peerAddr(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, err
	}
	if a == nil || !contains(a.proxies, peer) {
		return peer, nil
	}
	hops := r.Header.Values("X-Forwarded-For")
	client := peer
	// Walk every hop right to left: the rightmost entries were added by our
	// own proxies, the first untrusted one is the real client.
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			h := strings.TrimSpace(parts[j])
			if h == "" {
				continue
			}
			addr, err := netip.ParseAddr(h)
			if err != nil {
				// An unparsable hop (garbage, or an address with a port)
				// cannot be trusted or believed, and the client behind it
				// is unknown: refuse rather than guess.
				return netip.Addr{}, fmt.Errorf("%w: unparsable X-Forwarded-For entry", ErrForbidden)
			}
			addr = addr.Unmap()
			client = addr
			if !contains(a.proxies, addr) {
				return client, nil
			}
		}
	}
	return client, nil
}

// Check returns nil if r comes from an allowed address; otherwise an error
// wrapping [ErrForbidden]. The error names neither the address nor the list.
func (a *AllowList) Check(r *http.Request) error {
	addr, err := a.ClientAddr(r)
	if err != nil {
		if errors.Is(err, ErrForbidden) {
			return err
		}
		return fmt.Errorf("%w: unknown client address", ErrForbidden)
	}
	if !a.Contains(addr) {
		return fmt.Errorf("%w: client address not in allow-list", ErrForbidden)
	}
	return nil
}

func peerAddr(remote string) (netip.Addr, error) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	// Strip an IPv6 zone, which netip keeps but prefixes never match.
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("signature: cannot parse peer address")
	}
	return a.Unmap().WithZone(""), nil
}
