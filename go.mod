module github.com/channelkit/channelkit

go 1.24.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-cmp v0.7.0
	github.com/line/line-bot-sdk-go/v8 v8.14.0
	golang.org/x/oauth2 v0.35.0
)
