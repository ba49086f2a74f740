package clova

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/channelkit/channelkit/internal/version"
)

// keySource yields the key to verify with. force asks for a fresh key after
// a signature mismatch; a source may ignore it.
type keySource interface {
	key(ctx context.Context, force bool) (*rsa.PublicKey, error)
}

type staticKey struct{ pub *rsa.PublicKey }

func (s staticKey) key(context.Context, bool) (*rsa.PublicKey, error) { return s.pub, nil }

const (
	// keyRetryWait spaces the early re-fetches a signature mismatch triggers
	// while a key is cached.
	keyRetryWait = time.Minute
	// keyBackoffMin is the wait after a failed fetch; it doubles with each
	// consecutive failure up to keyBackoffMax (and never exceeds the refresh
	// interval), so that a key server that comes back is used within
	// seconds while one that stays down is asked at a bounded rate.
	keyBackoffMin = time.Second
	keyBackoffMax = 10 * time.Second
	// keyFetchTimeout bounds one key fetch.
	keyFetchTimeout = 10 * time.Second
	// maxKeyBody bounds a fetched PEM file.
	maxKeyBody = 64 << 10
)

// remoteKey fetches a PEM key from a URL lazily, caches it and refreshes it.
// Reads of a fresh key take no lock, and at most one fetch is in flight.
type remoteKey struct {
	url     string
	refresh time.Duration
	hc      *http.Client
	now     func() time.Time

	state atomic.Pointer[keyState]
	mu    sync.Mutex // held while fetching
}

// keyState is the outcome of the latest fetch. It is replaced, never
// modified.
type keyState struct {
	pub         *rsa.PublicKey // nil until a fetch succeeds
	fetched     time.Time      // when pub was fetched
	lastAttempt time.Time      // when the latest fetch ended
	failures    int            // consecutive failed fetches since the last success
	lastErr     error
}

func newRemoteKey(u string, refresh time.Duration, hc *http.Client, now func() time.Time) *remoteKey {
	return &remoteKey{url: u, refresh: refresh, hc: hc, now: now}
}

func (k *remoteKey) key(ctx context.Context, force bool) (*rsa.PublicKey, error) {
	st := k.state.Load()
	if pub, ok := k.usable(st, force); ok {
		return pub, nil
	}
	if st != nil && st.pub != nil {
		// Someone else is fetching: keep serving the cached key meanwhile.
		if !k.mu.TryLock() {
			return st.pub, nil
		}
	} else {
		k.mu.Lock()
	}
	defer k.mu.Unlock()
	if cur := k.state.Load(); cur != st {
		// A fetch ended while we waited: its outcome is as fresh as ours
		// would be, and fetching again would hammer a failing server.
		return k.fallback(cur)
	}
	if st != nil && k.now().Sub(st.lastAttempt) < k.backoff(st.failures) {
		return k.fallback(st)
	}
	// The fetch outlives the request that triggered it: a caller hanging up
	// must not leave every other request without a key.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), keyFetchTimeout)
	pub, err := k.fetch(fctx)
	cancel()
	now := k.now()
	next := &keyState{lastAttempt: now}
	switch {
	case err == nil:
		next.pub, next.fetched = pub, now
	case st != nil: // keep the cached key, if any
		next.pub, next.fetched, next.failures, next.lastErr = st.pub, st.fetched, st.failures+1, err
	default:
		next.failures, next.lastErr = 1, err
	}
	k.state.Store(next)
	return k.fallback(next)
}

// backoff is the wait before the next fetch after the given number of
// consecutive failures: none after a success, then 1 s, 2 s, 4 s, 8 s and
// 10 s from then on, and never longer than the refresh interval.
func (k *remoteKey) backoff(failures int) time.Duration {
	if failures == 0 {
		return 0
	}
	d := keyBackoffMin
	for i := 1; i < failures && d < keyBackoffMax; i++ {
		d *= 2
	}
	return min(d, keyBackoffMax, k.refresh)
}

// usable returns the cached key when no fetch is due.
func (k *remoteKey) usable(st *keyState, force bool) (*rsa.PublicKey, bool) {
	if st == nil || st.pub == nil {
		return nil, false
	}
	now := k.now()
	if force {
		return st.pub, now.Sub(st.lastAttempt) < keyRetryWait
	}
	return st.pub, now.Sub(st.fetched) < k.refresh
}

func (k *remoteKey) fallback(st *keyState) (*rsa.PublicKey, error) {
	if st.pub != nil {
		return st.pub, nil
	}
	if st.lastErr != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyUnavailable, st.lastErr)
	}
	return nil, ErrKeyUnavailable
}

func (k *remoteKey) fetch(ctx context.Context) (*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, errors.New("building key request")
	}
	req.Header.Set("User-Agent", version.UserAgent)
	req.Header.Set("Accept", "application/x-pem-file, text/plain, */*")
	res, err := k.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetching key: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching key: HTTP %d", res.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxKeyBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	if len(b) > maxKeyBody {
		return nil, errors.New("key file too large")
	}
	return ParsePublicKeyPEM(b)
}
