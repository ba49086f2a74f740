/*
Package redisstore keeps channelkit's shared state in Redis, so that several
replicas of a bot behind a load balancer act as one: a redelivered event is
handled once whichever replica it lands on, a conversation is answered by
one replica at a time, and the replicas share one platform access token.

It is a module of its own (github.com/channelkit/channelkit/redisstore), so
that the go-redis dependency stays out of the core module. Every type takes
a [redis.UniversalClient]: a single node, Sentinel or Cluster.

# Quick start

	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true})
	opt := redisstore.WithPrefix("channelkit:line:mybot")

	dedupe, err := redisstore.NewDeduper(rdb, 24*time.Hour, opt)
	// …
	h, err := line.NewBotHandler(secrets, bot, line.WithClient(client), line.WithDeduper(dedupe))

	st, err := redisstore.NewState(rdb, opt)
	// …
	bot := message.Chain(router, message.Conversations(st, time.Hour))

	src, err := naverworks.TokenSource(ctx, creds)
	// …
	client, err := naverworks.New(botID, redisstore.TokenSource(rdb, "naverworks:"+botID, src, opt))

Set ContextTimeoutEnabled on the client, so that a context's deadline bounds
each command; without it go-redis bounds them by its read and write
timeouts (3 s by default) instead.

# What each type guarantees

[Deduper] ([message.Deduper] and [message.Forgetter]) records a key with
SET NX PX: of all the replicas, exactly one sees it as new until its TTL
ends or it is forgotten. It does not make handling exactly-once by itself:
an event recorded by a replica that then crashes is not redelivered unless
the handler forgot it first (the LINE handler forgets on a 500). An error
means nothing is known, and the handler processes the event.

[State] ([message.State]) stores one value per conversation with a TTL, and
locks a conversation as a lease: [State.Acquire] (and Lock, which returns
the lease's Unlock) polls with a growing pause until the lock is free, the
context ends, or [WithWait] runs out ([ErrLocked]). Each lease carries a
fencing token from a per-conversation counter, greater than every earlier
lease's. A lease expires after [WithLease] (default 30 s) if its holder
dies; only its holder can unlock it (compare-and-delete in a Lua script),
and after it expired [Lease.Unlock], [Lease.Extend] and [Lease.Save]
return [ErrNotHeld] and change nothing. What it does not do: renew a lease
by itself (a handler that may run longer than the lease calls
[Lease.Extend]), or stop a paused holder from acting on other systems after
its lease ran out (give them [Lease.Token]). [State.Save] does not check the
lock, as the [message.Conversations] middleware expects; [Lease.Save] does.

[TokenSource] wraps an [oauth2.TokenSource] (NAVER WORKS' service-account
token, or any other) so that the replicas share one token: it reads the
token cached in Redis; when there is none or it expires within a minute,
one replica takes a short fetch lock (SET NX PX, [WithLease], default 10 s),
calls the source once and stores the token until its expiry, while the
others wait (at most [WithWait]) and read it. Within a process it is
single-flight through [oauth2.ReuseTokenSource]. A Redis error is returned
from Token; the source is never called behind the lock's back. The token
is stored in clear in Redis: protect the Redis as you protect the
credentials.

No operation panics or waits without a bound; every network error is
returned, wrapped with the operation's name.

# Key layout

Every key starts with the prefix ([WithPrefix], default "channelkit"). A
conversation's keys share a Cluster hash tag, the conversation ID with '%',
'{' and '}' percent-escaped, so that a script may touch them together:

	<prefix>:dedupe:<key>                  "1", PX the deduper's TTL
	<prefix>:state:{<conversation>}        the value, PX the TTL given to Save
	<prefix>:state:{<conversation>}:lock   "<token>:<nonce>", PX the lease
	<prefix>:state:{<conversation>}:fence  the fencing counter, PX one day
	<prefix>:token:{<key>}                 the token as JSON, PX until its expiry
	<prefix>:token:{<key>}:lock            "<nonce>", PX the fetch lease

# Testing

The tests start a redis-server of their own on a free loopback port and
stop it after. Without one they skip, saying how to install it
(apt-get install redis-server), except when the CI variable is set, where
they fail.
*/
package redisstore
