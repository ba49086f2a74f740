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
means nothing is known, and the handler processes the event. It is also
a [message.Claimer], for events taken from a [Queue]: [Deduper.Claim]
records a key as a claim with a lease (one script: the claim, or what was
there: held or done), and [Deduper.Settle] turns the claim into the done
record Seen also writes, or deletes it, only while it is still the
caller's ([message.ErrClaimLost] otherwise).

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
others wait (at most [WithWait]) and read it. Within a process it renews
on the engine of line's and naverworks' TokenCache: a warm call is an
atomic load without allocations; one fetch at a time runs in a goroutine
of its own and every caller waiting for it gets its token or its error;
after a failed fetch, callers get that error for a second without a new
fetch. Its value also has TokenContext(ctx), so that a caller waits only
as long as its context (the fetch goes on for the others), and
Invalidate(stale), which marks a refused token due: the next fetch
deletes it from Redis only if Redis still holds that exact token
(compare-and-delete, so that another replica's newer token stays), and
passes the invalidation on to a wrapped source that has the method. line's
and naverworks' clients use both methods by themselves. A Redis error is
returned from Token; the source is never called behind the lock's back.
The token is stored in clear in Redis: protect the Redis as you protect
the credentials.

# The queue

[Queue] makes LINE's asynchronous mode durable (line.WithQueue): the
handler appends each verified body to a Redis stream ([Queue.Enqueue],
XADD with MAXLEN ~ [WithMaxLen]) before it answers 200, and [Queue.Run],
on every replica, hands the bodies back (line.WebhookHandler.HandleQueued):

	q, err := redisstore.NewQueue(rdb, "line", opt)
	dedupe, err := redisstore.NewDeduper(rdb, 24*time.Hour, opt)
	h, err := line.NewBotHandler(secrets, bot, line.WithClient(client), line.WithQueue(q), line.WithDeduper(dedupe))
	go q.Run(ctx, h.HandleQueued)
	// shutdown: srv.Shutdown(ctx); q.Close(); q.Wait(ctx); h.Wait(ctx)

The workers of all replicas form one consumer group ([WithGroup]), each
replica its own consumer ([WithConsumer]; default: host name, process ID
and a random suffix). Run reads new entries with XREADGROUP (blocking at
most [WithBlock]), at most [WithConcurrency] at once, and acknowledges
(XACK) an entry when its handler returned nil. An entry held longer than
[WithVisibility] (default a minute) by a worker that died, hung or failed
is taken over with XPENDING (which gives its delivery count and owner)
and XCLAIM (whose minimum idle time lets one worker win); after
[WithMaxAttempts] deliveries (default 5) it moves to the dead-letter
stream with its attempt count and the kind of the last error ("error",
"timeout", "canceled", "panic", "abandoned"), never the error's text, in
one MULTI with the XACK and XDEL. [Queue.Close] stops Run taking work,
and Run returns once it finished what it holds; a cancelled context
leaves the entries it holds pending for another worker, as a crash does.

Delivery is at least once; the effect is exactly once through the
deduper's claims: HandleQueued claims each event for the work timeout
plus 5 s, and settles the claim as done after the bot succeeded, or
releases it when the bot failed. A reclaimed entry whose event is done is
skipped; one whose holder died is handled again once the claim ran out,
so [WithVisibility] must be longer than the claim. What is not
guaranteed: an effect the bot performed on another system just before a
crash (before the done record) happens again when the event is handled
again (key such effects on the event ID or a [Lease.Token]); order across
workers; entries trimmed by MAXLEN before they were handled; writes a
failed-over primary had not replicated.

# Other token sources

[TokenSource] works for any [oauth2.TokenSource], not only NAVER WORKS':
wrap the source each replica would use, under a key naming the credential
("line:<channel ID>", "naverworks:<bot ID>").

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
	<prefix>:dedupe:<key>                  "claim:<nonce>" while claimed, PX the claim's lease; then "1"
	<prefix>:queue:{<stream>}              the stream: entries {body}, MAXLEN ~ WithMaxLen; its consumer group
	<prefix>:queue:{<stream>}:dead         dead letters: {body, id, attempts, error (kind)}, MAXLEN ~ WithMaxLen

# Testing

The tests start a redis-server of their own on a free loopback port and
stop it after. Without one they skip, saying how to install it
(apt-get install redis-server), except when the CI variable is set, where
they fail.
*/
package redisstore
