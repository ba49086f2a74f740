package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/redisstore"
	"github.com/channelkit/channelkit/signature"
	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"
)

// prefix namespaces this bot's keys in a Redis that other bots share.
const prefix = "channelkit:replicas"

// fakes points the clients elsewhere (tests: the platforms' fakes).
type fakes struct {
	line       []line.Option
	naverworks []naverworks.Option
	nwToken    []naverworks.TokenOption
}

// stores is where the replicas' shared state lives: Redis, or this
// process.
type stores struct {
	dedupe message.Deduper
	state  message.State
	queue  *redisstore.Queue // nil in process
	tokens func(key string, src oauth2.TokenSource) oauth2.TokenSource
	close  func() error
}

// newStores connects to redisURL, or keeps everything in process when it
// is empty.
func newStores(ctx context.Context, redisURL string, logger *slog.Logger) (*stores, error) {
	if redisURL == "" {
		d, err := message.NewMemoryDeduper(24*time.Hour, 100_000)
		if err != nil {
			return nil, err
		}
		return &stores{dedupe: d, state: message.NewMemoryState(0),
			tokens: func(_ string, src oauth2.TokenSource) oauth2.TokenSource { return src },
			close:  func() error { return nil }}, nil
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, errors.New("REDIS_URL: not a redis:// or rediss:// URL") // its text may hold the password
	}
	opt.ContextTimeoutEnabled = true
	rdb := redis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pingCtx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	p := redisstore.WithPrefix(prefix)
	d, err := redisstore.NewDeduper(rdb, 24*time.Hour, p)
	if err != nil {
		return nil, err
	}
	st, err := redisstore.NewState(rdb, p)
	if err != nil {
		return nil, err
	}
	q, err := redisstore.NewQueue(rdb, "line", p, redisstore.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	return &stores{dedupe: d, state: st, queue: q,
		tokens: func(key string, src oauth2.TokenSource) oauth2.TokenSource {
			return redisstore.TokenSource(rdb, key, src, p)
		},
		close: rdb.Close}, nil
}

// app is the bot on every configured platform, with its stores.
type app struct {
	mux    *http.ServeMux
	redis  bool
	line   *line.BotHandler
	nw     *naverworks.BotHandler
	st     *stores
	cancel context.CancelFunc
	worker chan error // the queue worker's Run, nil in process
}

// newApp builds the handlers and, on Redis, starts this replica's queue
// worker.
func newApp(ctx context.Context, cfg config, logger *slog.Logger, f fakes) (*app, error) {
	st, err := newStores(ctx, cfg.redisURL, logger)
	if err != nil {
		return nil, err
	}
	a := &app{mux: http.NewServeMux(), redis: st.queue != nil, st: st}
	bot := message.Chain(message.HandlerFunc(counter), message.Conversations(st.state, 24*time.Hour))

	client, err := line.New(cfg.lineToken, append([]line.Option{line.WithLogger(logger)}, f.line...)...)
	if err != nil {
		return nil, errors.Join(err, st.close())
	}
	secrets, err := signature.NewSecretSet(cfg.lineSecret)
	if err != nil {
		return nil, errors.Join(err, st.close())
	}
	opts := []line.HandlerOption{line.WithClient(client), line.WithDeduper(st.dedupe), line.WithLogger(logger)}
	if st.queue != nil {
		opts = append(opts, line.WithQueue(st.queue))
	}
	if a.line, err = line.NewBotHandler(secrets, bot, opts...); err != nil {
		return nil, errors.Join(err, st.close())
	}
	a.mux.Handle("POST /line", a.line)

	if nw := cfg.nw; nw != nil {
		creds := naverworks.Credentials{ClientID: nw.clientID, ClientSecret: nw.clientSecret,
			ServiceAccount: nw.serviceAccount, PrivateKey: nw.privateKey, Scopes: []string{"bot"}}
		src, err := naverworks.TokenSource(ctx, creds, f.nwToken...)
		if err != nil {
			return nil, errors.Join(err, st.close())
		}
		c, err := naverworks.New(nw.botID, st.tokens("naverworks:"+nw.botID, src), append([]naverworks.Option{naverworks.WithLogger(logger)}, f.naverworks...)...)
		if err != nil {
			return nil, errors.Join(err, st.close())
		}
		s, err := signature.NewSecretSet(nw.botSecret)
		if err != nil {
			return nil, errors.Join(err, st.close())
		}
		if a.nw, err = naverworks.NewBotHandler(s, bot, naverworks.WithClient(c), naverworks.WithBotID(nw.botID), naverworks.WithLogger(logger)); err != nil {
			return nil, errors.Join(err, st.close())
		}
		a.mux.Handle("POST /naverworks/callback", a.nw)
	}

	if st.queue != nil {
		var wctx context.Context
		wctx, a.cancel = context.WithCancel(context.WithoutCancel(ctx))
		a.worker = make(chan error, 1)
		go func() { a.worker <- st.queue.Run(wctx, a.line.HandleQueued) }()
	}
	return a, nil
}

// drain stops the worker taking bodies, lets it finish those it holds,
// and waits for the handlers; then it closes the stores.
func (a *app) drain(ctx context.Context) error {
	var errs []error
	if a.worker != nil {
		a.st.queue.Close()
		select {
		case err := <-a.worker:
			errs = append(errs, err)
		case <-ctx.Done():
			a.cancel() // what it still holds stays pending for another replica
			errs = append(errs, fmt.Errorf("queue worker: %w", ctx.Err()))
		}
	}
	errs = append(errs, a.line.Wait(ctx))
	if a.nw != nil {
		errs = append(errs, a.nw.Wait(ctx))
	}
	return errors.Join(errs...)
}

// close releases the stores (after drain, or when serving never started).
func (a *app) close() error {
	if a.cancel != nil {
		a.cancel()
	}
	return a.st.close()
}

// counter is the bot: it counts each conversation's messages in the
// shared state and echoes them.
func counter(ctx context.Context, in *message.Incoming, r message.Responder) error {
	t, ok := in.Content.(*message.Text)
	if in.Kind != message.KindMessage || !ok {
		return nil
	}
	n := 1
	if c := message.ConversationFrom(ctx); c != nil {
		if prev, err := strconv.Atoi(string(c.Value())); err == nil {
			n = prev + 1
		}
		c.Set([]byte(strconv.Itoa(n)))
	}
	_, err := r.Reply(ctx, &message.Text{Text: fmt.Sprintf("#%d: %s", n, t.Text)})
	return err
}
