module github.com/channelkit/channelkit/redisstore

go 1.24.0

require (
	github.com/channelkit/channelkit v0.0.0-00010101000000-000000000000
	github.com/google/go-cmp v0.7.0
	github.com/redis/go-redis/v9 v9.22.0
	golang.org/x/oauth2 v0.35.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/line/line-bot-sdk-go/v8 v8.14.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
)

replace github.com/channelkit/channelkit => ../
