package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/naverworks"
)

// Config is the builder's configuration file: every bot it serves, on
// every platform, and the settings a platform's bots share. Secrets are
// given as "env:NAME" (the value of the environment variable NAME) so that
// the file itself holds none; a literal value is accepted too.
type Config struct {
	Bots []BotConfig `json:"bots"`
	// TalkTalk holds what every TalkTalk bot shares.
	TalkTalk *TalkTalkSettings `json:"talktalk,omitempty"`
	// NaverWorks holds the Service Accounts NAVER WORKS bots use.
	NaverWorks *NaverWorksSettings `json:"naverworks,omitempty"`
	// Clova holds what every CEK extension shares.
	Clova *ClovaSettings `json:"clova,omitempty"`
}

// BotConfig is one bot: the platform it is on, the ID a request for it
// names, its credentials (the section named after its platform) and who
// answers it.
type BotConfig struct {
	// Platform is one of line, kakao, talktalk, naverworks, clova.
	Platform string `json:"platform"`
	// ID is what a request for the bot names: LINE's destination (the
	// bot's user ID), Kakao's bot ID, the TalkTalk path segment chosen for
	// the partner account, the NAVER WORKS bot ID, the CEK extension ID.
	ID string `json:"id"`
	// Name is an optional label for logs and the demo transcript.
	Name string `json:"name,omitempty"`

	// The credentials: exactly the section of the bot's platform.
	LINE       *LINEBot       `json:"line,omitempty"`
	Kakao      *KakaoBot      `json:"kakao,omitempty"`
	TalkTalk   *TalkTalkBot   `json:"talktalk,omitempty"`
	NaverWorks *NaverWorksBot `json:"naverworks,omitempty"`
	// A CEK extension has no credential of its own: CLOVA signs every
	// request with its key.

	Answer Answer `json:"answer"`
}

// LINEBot is a LINE channel's credentials.
type LINEBot struct {
	// ChannelSecrets verify X-Line-Signature: the current secret first,
	// then the previous one while you rotate it.
	ChannelSecrets []string `json:"channelSecrets"`
	// ChannelToken is a channel access token.
	ChannelToken string `json:"channelToken"`
}

// KakaoBot is a Kakao i Open Builder bot's skill credentials.
type KakaoBot struct {
	// HeaderSecrets are the values of the X-Skill-Token header set in the
	// skill's settings ("헤더값 입력"): the current one first, then the
	// previous one while you rotate it. Kakao signs nothing; this header
	// is what keeps strangers out.
	HeaderSecrets []string `json:"headerSecrets"`
}

// TalkTalkBot is a TalkTalk partner account's credentials.
type TalkTalkBot struct {
	// AuthorizationKey is the send API key, exactly as issued.
	AuthorizationKey string `json:"authorizationKey"`
	// PathTokens are random secrets, one of which ends the webhook URL
	// (/talktalk/<id>/<token>): the current one first, then the previous
	// one while you rotate it.
	PathTokens []string `json:"pathTokens"`
}

// NaverWorksBot is a NAVER WORKS bot's credentials.
type NaverWorksBot struct {
	// BotSecrets verify X-WORKS-Signature: the current Bot Secret first,
	// then the previous one while you rotate it.
	BotSecrets []string `json:"botSecrets"`
	// ServiceAccount names the entry of naverworks.serviceAccounts the
	// bot sends with. Bots of one app share it, and one access token.
	ServiceAccount string `json:"serviceAccount"`
}

// NaverWorksSettings are the Service Accounts, by a name of your choosing.
type NaverWorksSettings struct {
	ServiceAccounts map[string]*ServiceAccount `json:"serviceAccounts"`
}

// ServiceAccount is a NAVER WORKS app's Service Account.
type ServiceAccount struct {
	ClientID     string `json:"clientID"`
	ClientSecret string `json:"clientSecret"`
	// ServiceAccount is the Service Account ID
	// (xxxxx.serviceaccount@domain).
	ServiceAccount string `json:"serviceAccount"`
	// PrivateKey is the key (PEM), or PrivateKeyFile a path to it: exactly
	// one.
	PrivateKey     string   `json:"privateKey,omitempty"`
	PrivateKeyFile string   `json:"privateKeyFile,omitempty"`
	Scopes         []string `json:"scopes,omitempty"` // default ["bot"]
}

// ClovaSettings are shared by every CEK extension.
type ClovaSettings struct {
	// PublicKeyURL, if set, is where CLOVA's PEM key is fetched instead of
	// the key embedded in package clova.
	PublicKeyURL string `json:"publicKeyURL,omitempty"`
}

// TalkTalkSettings are shared by every TalkTalk bot.
type TalkTalkSettings struct {
	// TrustedProxies are the CIDRs of your load balancer or reverse proxy,
	// whose X-Forwarded-For is then believed. Only TalkTalk's published
	// address ranges are let in.
	TrustedProxies []string `json:"trustedProxies,omitempty"`
}

// Answer says who answers a bot: a Go handler by name ("echo"), or a CLOVA
// Chatbot domain ({"chatbot": {"invokeURL": …, "secretKey": …}}).
type Answer struct {
	Go      string
	Chatbot *ChatbotAnswer
}

// ChatbotAnswer is a CLOVA Chatbot domain's custom API.
type ChatbotAnswer struct {
	InvokeURL string `json:"invokeURL"`
	SecretKey string `json:"secretKey"`
}

// UnmarshalJSON reads a handler's name or a {"chatbot": …} object.
func (a *Answer) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*a = Answer{}
		return json.Unmarshal(b, &a.Go)
	}
	var v struct {
		Chatbot *ChatbotAnswer `json:"chatbot"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return errors.New(`want a handler's name ("echo") or {"chatbot": {"invokeURL": …, "secretKey": …}}`)
	}
	*a = Answer{Chatbot: v.Chatbot}
	return nil
}

// MarshalJSON writes the form UnmarshalJSON reads.
func (a Answer) MarshalJSON() ([]byte, error) {
	if a.Chatbot != nil {
		return json.Marshal(struct {
			Chatbot *ChatbotAnswer `json:"chatbot"`
		}{a.Chatbot})
	}
	return json.Marshal(a.Go)
}

// platformNames are the platforms a bot may be on, in serving order.
var platformNames = []string{"line", "kakao", "talktalk", "naverworks", "clova"}

// label names a bot in messages: its index, platform and ID (never a
// credential).
func (b BotConfig) label(i int) string {
	if b.ID == "" {
		return fmt.Sprintf("bots[%d] (%s)", i, b.Platform)
	}
	return fmt.Sprintf("bots[%d] (%s %q)", i, b.Platform, b.ID)
}

// ConfigError lists every problem of a configuration file, each naming
// the bot (index, platform, ID) and the field. It never holds a secret's
// value, only where it was to come from.
type ConfigError struct {
	Problems []string
}

// Error lists the problems, one a line.
func (e *ConfigError) Error() string {
	return "configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

// loadConfig reads the configuration file at path. The file must be JSON
// with no unknown fields.
func loadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	defer f.Close()
	return decodeConfig(f)
}

// decodeConfig reads a configuration from r. A syntax error names the
// line; a field of the wrong type names the field. Neither shows a value.
func decodeConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, &ConfigError{Problems: []string{describeJSONError(data, err)}}
	}
	if dec.More() {
		return nil, &ConfigError{Problems: []string{"more than one JSON value in the file"}}
	}
	return &cfg, nil
}

// describeJSONError says where a JSON decode failed without quoting the
// file: encoding/json's messages can hold a value (a secret, say).
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON at line %d", lineOf(data, syn.Offset))
	case errors.As(err, &typ):
		return fmt.Sprintf("%s: wrong type (want %s), line %d", typ.Field, typ.Type, lineOf(data, typ.Offset))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file is empty or ends early"
	}
	// An unknown field ("json: unknown field \"x\"") names only the
	// field; an Answer in the wrong shape says what it wants.
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown field " + f
	}
	if strings.Contains(msg, "want a handler's name") {
		return "answer: " + msg
	}
	return "not a valid configuration"
}

func lineOf(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

// goHandlers are the Go handlers a bot's answer may name.
var goHandlers = map[string]func() answerer{
	"echo": newEcho,
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// resolver reads the secrets of a configuration: "env:NAME" from the
// environment, anything else as is. It collects problems instead of
// stopping at the first.
type resolver struct {
	getenv   func(string) string
	problems []string
}

func (r *resolver) problem(format string, a ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, a...))
}

// secret resolves one secret value for the field at (a description such
// as `bots[0] (line "U…"): line.channelToken`). A missing or empty value
// is a problem naming the field and, for a reference, the variable.
func (r *resolver) secret(at, v string) string {
	name, ref := strings.CutPrefix(v, "env:")
	switch {
	case v == "":
		r.problem("%s: missing", at)
		return ""
	case !ref:
		return v
	case !envName.MatchString(name):
		r.problem("%s: %q is not an environment variable name", at, name)
		return ""
	}
	val := r.getenv(name)
	if val == "" {
		r.problem("%s: environment variable %s is not set", at, name)
	}
	return val
}

// secrets resolves a list of secrets, current first; at least one.
func (r *resolver) secrets(at string, vs []string) []string {
	if len(vs) == 0 {
		r.problem("%s: missing (list at least one)", at)
		return nil
	}
	out := make([]string, 0, len(vs))
	for i, v := range vs {
		if s := r.secret(fmt.Sprintf("%s[%d]", at, i), v); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// resolved is a bot with its secrets read: what the server is built from.
type resolved struct {
	BotConfig
	index int

	lineSecrets []string
	lineToken   string

	kakaoSecrets []string

	worksSecrets []string
	worksAccount *resolvedAccount

	talkKey    string
	talkTokens []string

	chatbotKey string
}

// label names the bot in messages.
func (b *resolved) label() string { return b.BotConfig.label(b.index) }

// resolve validates the whole configuration and reads its secrets through
// getenv. The error is a *ConfigError listing every problem, each naming
// the bot and the field, never a secret's value.
func (c *Config) resolve(getenv func(string) string) ([]*resolved, error) {
	r := &resolver{getenv: getenv}
	if len(c.Bots) == 0 {
		r.problem("bots: no bot configured")
	}
	seen := map[string]int{}
	accounts := c.serviceAccounts(r)
	if c.Clova != nil && c.Clova.PublicKeyURL != "" {
		if u, err := url.Parse(c.Clova.PublicKeyURL); err != nil || u.Scheme != "https" || u.Host == "" {
			r.problem("clova.publicKeyURL: want an https URL")
		}
	}
	var out []*resolved
	for i, b := range c.Bots {
		at := b.label(i)
		rb := &resolved{BotConfig: b, index: i}
		known := false
		for _, p := range platformNames {
			known = known || b.Platform == p
		}
		if !known {
			r.problem("%s: platform: want one of %s", at, strings.Join(platformNames, ", "))
			continue
		}
		switch {
		case b.ID == "":
			r.problem("%s: id: missing", at)
		case len(b.ID) > 256:
			r.problem("%s: id: longer than 256 bytes", at)
		default:
			key := b.Platform + "\x00" + b.ID
			if j, dup := seen[key]; dup {
				r.problem("%s: id: the same as bots[%d]", at, j)
			}
			seen[key] = i
		}
		// Exactly the platform's own credential section.
		sections := map[string]bool{"line": b.LINE != nil, "kakao": b.Kakao != nil, "talktalk": b.TalkTalk != nil, "naverworks": b.NaverWorks != nil}
		for p, set := range sections {
			if set && p != b.Platform {
				r.problem("%s: %s: a %s section on a %s bot", at, p, p, b.Platform)
			}
		}
		switch b.Platform {
		case "line":
			if b.LINE == nil {
				r.problem("%s: line: missing (channelSecrets and channelToken)", at)
				break
			}
			rb.lineSecrets = r.secrets(at+": line.channelSecrets", b.LINE.ChannelSecrets)
			rb.lineToken = r.secret(at+": line.channelToken", b.LINE.ChannelToken)
		case "talktalk":
			if strings.Contains(b.ID, "/") {
				r.problem("%s: id: must be one path segment, without a slash", at)
			}
			if b.TalkTalk == nil {
				r.problem("%s: talktalk: missing (authorizationKey and pathTokens)", at)
				break
			}
			rb.talkKey = r.secret(at+": talktalk.authorizationKey", b.TalkTalk.AuthorizationKey)
			rb.talkTokens = r.secrets(at+": talktalk.pathTokens", b.TalkTalk.PathTokens)
			for j, t := range rb.talkTokens {
				if strings.ContainsAny(t, "/?#%") {
					r.problem("%s: talktalk.pathTokens[%d]: must be one path segment (no /, ?, # or %%)", at, j)
				}
			}
		case "kakao":
			if b.Kakao == nil {
				r.problem("%s: kakao: missing (headerSecrets)", at)
				break
			}
			rb.kakaoSecrets = r.secrets(at+": kakao.headerSecrets", b.Kakao.HeaderSecrets)
		case "naverworks":
			if b.NaverWorks == nil {
				r.problem("%s: naverworks: missing (botSecrets and serviceAccount)", at)
				break
			}
			rb.worksSecrets = r.secrets(at+": naverworks.botSecrets", b.NaverWorks.BotSecrets)
			switch name := b.NaverWorks.ServiceAccount; {
			case name == "":
				r.problem("%s: naverworks.serviceAccount: missing", at)
			case accounts[name] == nil:
				r.problem("%s: naverworks.serviceAccount: no %q in naverworks.serviceAccounts", at, name)
			default:
				rb.worksAccount = accounts[name]
			}
		}
		switch a := b.Answer; {
		case a.Chatbot != nil:
			u, err := url.Parse(a.Chatbot.InvokeURL)
			if a.Chatbot.InvokeURL == "" {
				r.problem("%s: answer.chatbot.invokeURL: missing", at)
			} else if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				r.problem("%s: answer.chatbot.invokeURL: want an http(s) URL", at)
			}
			rb.chatbotKey = r.secret(at+": answer.chatbot.secretKey", a.Chatbot.SecretKey)
		case a.Go == "":
			r.problem("%s: answer: missing (%s, or {\"chatbot\": …})", at, goHandlerNames())
		case goHandlers[a.Go] == nil:
			r.problem("%s: answer: no Go handler %q (have %s)", at, a.Go, goHandlerNames())
		}
		out = append(out, rb)
	}
	if c.TalkTalk != nil {
		for i, p := range c.TalkTalk.TrustedProxies {
			if !strings.Contains(p, "/") {
				r.problem("talktalk.trustedProxies[%d]: want a CIDR (10.0.0.0/8)", i)
			}
		}
	}
	if len(r.problems) > 0 {
		return nil, &ConfigError{Problems: r.problems}
	}
	return out, nil
}

func goHandlerNames() string {
	var names []string
	for _, n := range slices.Sorted(maps.Keys(goHandlers)) {
		names = append(names, strconv.Quote(n))
	}
	return strings.Join(names, ", ")
}

// resolvedAccount is a Service Account with its secrets read.
type resolvedAccount struct {
	name        string
	credentials naverworks.Credentials
}

// serviceAccounts resolves naverworks.serviceAccounts, by name.
func (c *Config) serviceAccounts(r *resolver) map[string]*resolvedAccount {
	out := map[string]*resolvedAccount{}
	if c.NaverWorks == nil {
		return out
	}
	for _, name := range slices.Sorted(maps.Keys(c.NaverWorks.ServiceAccounts)) {
		sa := c.NaverWorks.ServiceAccounts[name]
		at := fmt.Sprintf("naverworks.serviceAccounts[%q]", name)
		if sa == nil {
			r.problem("%s: missing", at)
			continue
		}
		ra := &resolvedAccount{name: name, credentials: naverworks.Credentials{
			ClientID:       r.secret(at+".clientID", sa.ClientID),
			ClientSecret:   r.secret(at+".clientSecret", sa.ClientSecret),
			ServiceAccount: r.secret(at+".serviceAccount", sa.ServiceAccount),
			Scopes:         sa.Scopes,
		}}
		if len(ra.credentials.Scopes) == 0 {
			ra.credentials.Scopes = []string{"bot"}
		}
		switch {
		case sa.PrivateKey != "" && sa.PrivateKeyFile != "":
			r.problem("%s: set only one of privateKey and privateKeyFile", at)
		case sa.PrivateKeyFile != "":
			pem, err := os.ReadFile(sa.PrivateKeyFile)
			if err != nil {
				r.problem("%s.privateKeyFile: cannot read it: %v", at, errors.Unwrap(err))
			}
			ra.credentials.PrivateKey = string(pem)
		default:
			ra.credentials.PrivateKey = r.secret(at+".privateKey", sa.PrivateKey)
		}
		out[name] = ra
	}
	return out
}
