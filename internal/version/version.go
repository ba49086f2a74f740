// Package version holds channelkit's release version, sent in User-Agent.
package version

// Version is the channelkit release this code belongs to.
const Version = "0.1.0"

// UserAgent is the default User-Agent of every channelkit client.
const UserAgent = "channelkit-go/" + Version + " (+https://github.com/channelkit/channelkit)"
