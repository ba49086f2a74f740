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
	// keyRetryWait spaces fetch attempts once a key is cached (failed
	// refreshes, mismatch-triggered re-fetches).
	keyRetryWait = time.Minute
	// keyColdRetryWait spaces attempts while no key was ever fetched.
	keyColdRetryWait = 10 * time.Second
	// keyFetchTimeout bounds one key fetch.
	keyFetchTimeout = 10 * time.Second
	// maxKeyBody bounds a fetched PEM file.
	maxKeyBody = 64 << 10
)

// remoteKey fetches a PEM key from a URL lazily, caches it and refreshes it.
// Reads of a fresh key take no lock.
type remoteKey struct {
	url     string
	refresh time.Duration
	hc      *http.Client
	now     func() time.Time

	state atomic.Pointer[keyState]
	mu    sync.Mutex // held while fetching
}

type keyState struct {
	pub         *rsa.PublicKey // nil until a fetch succeeds
	fetched     time.Time      // when pub was fetched
	lastAttempt time.Time
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
	st = k.state.Load() // another goroutine may have fetched while we waited
	if pub, ok := k.usable(st, force); ok {
		return pub, nil
	}
	now := k.now()
	if st != nil && !st.lastAttempt.IsZero() {
		wait := min(keyRetryWait, k.refresh)
		if st.pub == nil {
			wait = min(keyColdRetryWait, k.refresh)
		}
		if now.Sub(st.lastAttempt) < wait {
			return k.fallback(st)
		}
	}
	// The fetch outlives the request that triggered it: a caller hanging up
	// must not leave every other request without a key.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), keyFetchTimeout)
	pub, err := k.fetch(fctx)
	cancel()
	next := &keyState{lastAttempt: now, lastErr: err}
	if err == nil {
		next.pub, next.fetched = pub, now
	} else if st != nil {
		next.pub, next.fetched = st.pub, st.fetched
	}
	k.state.Store(next)
	return k.fallback(next)
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
