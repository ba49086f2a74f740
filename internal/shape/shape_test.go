package shape

import (
	"bufio"
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

const module = "github.com/channelkit/channelkit/"

// platforms are the five packages, in the order the table lists them.
var platforms = []string{"line", "kakao", "talktalk", "naverworks", "clova"}

// absent marks a name a platform lacks on purpose; the text says why.
func absent(why string) string { return "absent: " + why }

func isAbsent(want string) bool { return strings.HasPrefix(want, "absent: ") }

// each gives every platform the same expectation.
func each(want string) map[string]string {
	m := make(map[string]string, len(platforms))
	for _, p := range platforms {
		m[p] = want
	}
	return m
}

// with returns m with the given platforms' expectations replaced.
func with(m map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// tokens is the expectation for a token-source name: line and naverworks
// issue tokens, the other three take credentials that do not expire.
func tokens(sig string) map[string]string {
	return map[string]string{
		"line":       sig,
		"naverworks": sig,
		"kakao":      absent("Kakao calls the skill server and takes its answer; callback URLs carry their own one-time authority"),
		"talktalk":   absent("the client authenticates with the partner center's static authorization key"),
		"clova":      absent("CEK sends requests and needs no token; the Chatbot API client takes a static secret key"),
	}
}

const (
	noSignature = "the platform signs nothing; Parse/ParseRequest check what it has"
	noBaseURL   = "the client posts to URLs the platform hands out per request"
)

// funcs is the shared vocabulary of functions: name → platform → the
// signature without parameter names, with the package's own types
// unqualified. "T" stands for the package's decoded webhook type and must
// be the same within a package.
var funcs = []struct {
	name string
	want map[string]string
}{
	// Clients.
	{"New", map[string]string{
		"line":       "func(string, ...Option) (*Client, error)",
		"kakao":      "func(...Option) (*Client, error)",
		"talktalk":   "func(string, ...Option) (*Client, error)",
		"naverworks": "func(string, oauth2.TokenSource, ...Option) (*Client, error)",
		"clova":      "func(string, string, ...Option) (*Client, error)",
	}},
	{"WithHTTPClient", each("func(*http.Client) Option")},
	{"WithRetry", each("func(int, time.Duration, time.Duration) Option")},
	{"WithUserAgent", each("func(string) Option")},
	{"WithBaseURL", with(each("func(string) Option"),
		"clova", absent("the invoke URL is New's first argument: each CLOVA Chatbot domain has its own")),
	},
	// Options both take.
	{"WithLogger", each("func(*slog.Logger) SharedOption")},
	{"WithErrorHandler", each("func(func(*http.Request, error)) SharedOption")},
	// Webhooks.
	{"VerifySignature", map[string]string{
		"line":       "func(signature.SecretSet, []byte, string) error",
		"kakao":      absent(noSignature),
		"talktalk":   absent(noSignature),
		"naverworks": "func(signature.SecretSet, []byte, string) error",
		"clova":      "func(*rsa.PublicKey, []byte, string) error",
	}},
	{"Decode", each("func([]byte) (T, error)")},
	{"Parse", map[string]string{
		"line":       "func(signature.SecretSet, []byte, string) (T, error)",
		"kakao":      "func(signature.SecretSet, []byte, string) (T, error)",
		"talktalk":   absent("TalkTalk signs nothing and its checks (allow-list, path token) need the request: use ParseRequest"),
		"naverworks": "func(signature.SecretSet, []byte, string) (T, error)",
		"clova":      "func(*rsa.PublicKey, []byte, string) (T, error)",
	}},
	{"ParseRequest", map[string]string{
		"line":       "func(signature.SecretSet, *http.Request) (T, error)",
		"kakao":      "func(signature.SecretSet, *http.Request) (T, error)",
		"talktalk":   "func(*signature.AllowList, *http.Request) (T, error)",
		"naverworks": "func(signature.SecretSet, *http.Request) (T, error)",
		"clova":      "func(*rsa.PublicKey, *http.Request) (T, error)",
	}},
	{"NewWebhookHandler", map[string]string{
		"line":       "func(signature.SecretSet, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"kakao":      "func(HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"talktalk":   "func(HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"naverworks": "func(signature.SecretSet, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"clova":      "func(string, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
	}},
	{"NewBotHandler", map[string]string{
		"line":       "func(signature.SecretSet, message.Handler, ...HandlerOption) (*BotHandler, error)",
		"kakao":      "func(message.Handler, ...HandlerOption) (*BotHandler, error)",
		"talktalk":   "func(message.Handler, ...HandlerOption) (*BotHandler, error)",
		"naverworks": "func(signature.SecretSet, message.Handler, ...HandlerOption) (*BotHandler, error)",
		"clova":      "func(string, message.Handler, ...HandlerOption) (*BotHandler, error)",
	}},
	{"WithRenderOptions", each("func(message.RenderOptions) HandlerOption")},
	{"WithClient", with(each("func(*Client) HandlerOption"),
		"clova", absent("CEK answers in the HTTP response; clova.Client is the separate Chatbot API")),
	},
	{"WithBudget", map[string]string{
		"line":       absent("LINE's answer goes through the API: the handler is synchronous, or acknowledges at once with WithAsync"),
		"kakao":      absent("WithCallback(budget, waiting) sets it, with the useCallback answer it needs"),
		"talktalk":   "func(time.Duration) HandlerOption",
		"naverworks": "func(time.Duration) HandlerOption",
		"clova":      absent("CEK is answered synchronously"),
	}},
	{"WithWorkTimeout", map[string]string{
		"line":       "func(time.Duration) HandlerOption",
		"kakao":      absent("the callback URL's one-minute validity bounds the work"),
		"talktalk":   "func(time.Duration) HandlerOption",
		"naverworks": "func(time.Duration) HandlerOption",
		"clova":      absent("CEK is answered synchronously, on the request's context"),
	}},
	{"WithMaxBodyBytes", each("func(int64) HandlerOption")},
	{"WithMaxInFlight", each("func(int) HandlerOption")},
	// The message bridge.
	{"ToIncoming", map[string]string{
		"line":       "func(Event) (message.Incoming, bool)",
		"kakao":      "func(*Request) (message.Incoming, bool)",
		"talktalk":   "func(Event) (message.Incoming, bool)",
		"naverworks": "func(Event) (message.Incoming, bool)",
		"clova":      "func(*Request) (message.Incoming, bool)",
	}},
	// Many bots on one handler.
	{"NewMultiWebhookHandler", map[string]string{
		"line":       "func(BotResolver, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"kakao":      "func(BotResolver, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"talktalk":   "func(BotResolver, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"naverworks": "func(BotResolver, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
		"clova":      "func(BotResolver, HandlerFunc, ...HandlerOption) (*WebhookHandler, error)",
	}},
	{"NewMultiBotHandler", map[string]string{
		"line":       "func(BotResolver, message.Handler, ...HandlerOption) (*BotHandler, error)",
		"kakao":      "func(BotResolver, message.Handler, ...HandlerOption) (*BotHandler, error)",
		"talktalk":   "func(BotResolver, message.Handler, ...HandlerOption) (*BotHandler, error)",
		"naverworks": "func(BotResolver, message.Handler, ...HandlerOption) (*BotHandler, error)",
		"clova":      "func(BotResolver, message.Handler, ...HandlerOption) (*BotHandler, error)",
	}},
	{"StaticBots", map[string]string{
		"line":       "func(...*Bot) (BotResolver, error)",
		"kakao":      "func(...*Bot) (BotResolver, error)",
		"talktalk":   "func(...*Bot) (BotResolver, error)",
		"naverworks": "func(...*Bot) (BotResolver, error)",
		"clova":      "func(...*Bot) (BotResolver, error)",
	}},
	{"BotFromContext", map[string]string{
		"line":       "func(context.Context) (*Bot, bool)",
		"kakao":      "func(context.Context) (*Bot, bool)",
		"talktalk":   "func(context.Context) (*Bot, bool)",
		"naverworks": "func(context.Context) (*Bot, bool)",
		"clova":      "func(context.Context) (*Bot, bool)",
	}},
	{"WithBotPath", map[string]string{
		"line":       "func(string) HandlerOption",
		"kakao":      "func(string) HandlerOption",
		"talktalk":   "func(string) HandlerOption",
		"naverworks": "func(string) HandlerOption",
		"clova":      "func(string) HandlerOption",
	}},
	{"WithBotCacheTTL", map[string]string{
		"line":       "func(time.Duration) HandlerOption",
		"kakao":      "func(time.Duration) HandlerOption",
		"talktalk":   "func(time.Duration) HandlerOption",
		"naverworks": "func(time.Duration) HandlerOption",
		"clova":      "func(time.Duration) HandlerOption",
	}},
	// Tokens that renew themselves: LINE's channel access tokens and NAVER
	// WORKS' access tokens, both issued with a signed JWT assertion.
	{"TokenSource", tokens("func(context.Context, Credentials, ...TokenOption) (oauth2.TokenSource, error)")},
	{"NewTokenCache", tokens("func(context.Context, Credentials, ...TokenOption) (*TokenCache, error)")},
	{"WithTokenHTTPClient", tokens("func(*http.Client) TokenOption")},
	{"WithTokenClock", tokens("func(func() time.Time) TokenOption")},
	{"WithRefreshMargin", tokens("func(time.Duration) TokenOption")},
	{"WithAssertionLifetime", tokens("func(time.Duration) TokenOption")},
	{"WithTokenLogger", tokens("func(*slog.Logger) TokenOption")},
}

// fakeFuncs is the vocabulary of the <pkg>test fakes.
var fakeFuncs = []struct {
	name string
	want string
}{
	{"NewServer", "func(testing.TB, ...ServerOption) *Server"},
	{"Start", "func(...ServerOption) (*Server, error)"},
}

// fakeMethods are the methods every fake *Server has; P is the platform
// package.
var fakeMethods = []struct {
	name string
	want string
}{
	{"URL", "func() string"},
	{"Close", "func()"},
	{"Client", "func() *P.Client"},
	{"HTTPClient", "func() *http.Client"},
	{"FailNext", "func(Fault)"},
	{"Calls", "func() []Call"},
}

var (
	loadOnce sync.Once
	loaded   map[string]*types.Package
	loadErr  error
)

// load type-checks the platform packages and their fakes from the export
// data the go command builds.
func load(t *testing.T) map[string]*types.Package {
	t.Helper()
	loadOnce.Do(func() {
		var paths []string
		for _, p := range platforms {
			paths = append(paths, module+p, module+p+"/"+p+"test")
		}
		paths = append(paths, module+"internal/invalid", module+"internal/fakeserver", module+"internal/webhookio")
		args := append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)
		cmd := exec.Command("go", args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			loadErr = fmt.Errorf("go list: %v\n%s", err, stderr.String())
			return
		}
		exports := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			path, file, ok := strings.Cut(sc.Text(), "\t")
			if ok && file != "" {
				exports[path] = file
			}
		}
		imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
			f, ok := exports[path]
			if !ok {
				return nil, fmt.Errorf("no export data for %s", path)
			}
			return os.Open(f)
		})
		loaded = map[string]*types.Package{}
		for _, p := range paths {
			pkg, err := imp.Import(p)
			if err != nil {
				loadErr = err
				return
			}
			loaded[p] = pkg
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

// qualifier prints other packages by name and pkg's own types bare.
func qualifier(pkg *types.Package) types.Qualifier {
	return func(other *types.Package) string {
		if other == pkg {
			return ""
		}
		return other.Name()
	}
}

// sigString prints a signature without parameter names.
func sigString(sig *types.Signature, q types.Qualifier) string {
	var b strings.Builder
	b.WriteString("func(")
	for i := 0; i < sig.Params().Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		typ := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("...")
			typ = typ.(*types.Slice).Elem()
		}
		b.WriteString(types.TypeString(typ, q))
	}
	b.WriteString(")")
	switch n := sig.Results().Len(); n {
	case 0:
	case 1:
		b.WriteString(" " + types.TypeString(sig.Results().At(0).Type(), q))
	default:
		b.WriteString(" (")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(types.TypeString(sig.Results().At(i).Type(), q))
		}
		b.WriteString(")")
	}
	return b.String()
}

// decoded returns the package's decoded webhook type: what Decode returns.
func decoded(pkg *types.Package) string {
	fn, ok := pkg.Scope().Lookup("Decode").(*types.Func)
	if !ok {
		return "?"
	}
	res := fn.Type().(*types.Signature).Results()
	if res.Len() == 0 {
		return "?"
	}
	return types.TypeString(res.At(0).Type(), qualifier(pkg))
}

func TestPlatformFunctions(t *testing.T) {
	pkgs := load(t)
	for _, f := range funcs {
		for _, p := range platforms {
			t.Run(p+"."+f.name, func(t *testing.T) {
				pkg := pkgs[module+p]
				want, ok := f.want[p]
				if !ok {
					t.Fatalf("the table has no entry for %s.%s", p, f.name)
				}
				obj := pkg.Scope().Lookup(f.name)
				if isAbsent(want) {
					if obj != nil && obj.Exported() {
						t.Errorf("%s.%s exists, but the table says %q: update the table", p, f.name, want)
					}
					return
				}
				fn, ok := obj.(*types.Func)
				if !ok {
					t.Fatalf("%s.%s: missing (want %s)", p, f.name, want)
				}
				want = strings.ReplaceAll(want, "(T, error)", "("+decoded(pkg)+", error)")
				if got := sigString(fn.Type().(*types.Signature), qualifier(pkg)); got != want {
					t.Errorf("%s.%s:\n got %s\nwant %s", p, f.name, got, want)
				}
			})
		}
	}
}

// TestOptionTypes: Option and HandlerOption are distinct types, and
// SharedOption is both.
func TestOptionTypes(t *testing.T) {
	pkgs := load(t)
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			pkg := pkgs[module+p]
			get := func(name string) types.Type {
				obj, ok := pkg.Scope().Lookup(name).(*types.TypeName)
				if !ok {
					t.Fatalf("%s.%s: missing type", p, name)
				}
				return obj.Type()
			}
			opt, hopt, shared := get("Option"), get("HandlerOption"), get("SharedOption")
			for _, it := range []struct {
				name string
				typ  types.Type
			}{{"Option", opt}, {"HandlerOption", hopt}} {
				iface, ok := it.typ.Underlying().(*types.Interface)
				if !ok {
					t.Fatalf("%s.%s is not an interface", p, it.name)
				}
				if !types.Implements(shared, iface) {
					t.Errorf("%s.SharedOption does not implement %s", p, it.name)
				}
			}
			if types.Identical(opt, hopt) || types.AssignableTo(opt, hopt) || types.AssignableTo(hopt, opt) {
				t.Errorf("%s: Option and HandlerOption are interchangeable; a client option must not configure a handler", p)
			}
		})
	}
}

// TestHandlerTypes: HandlerFunc is a func type; *WebhookHandler serves
// HTTP and waits.
func TestHandlerTypes(t *testing.T) {
	pkgs := load(t)
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			pkg := pkgs[module+p]
			hf, ok := pkg.Scope().Lookup("HandlerFunc").(*types.TypeName)
			if !ok {
				t.Fatalf("%s.HandlerFunc: missing type", p)
			}
			if _, ok := hf.Type().Underlying().(*types.Signature); !ok {
				t.Errorf("%s.HandlerFunc is not a func type", p)
			}
			for _, typeName := range []string{"WebhookHandler", "BotHandler"} {
				h, ok := pkg.Scope().Lookup(typeName).(*types.TypeName)
				if !ok {
					t.Errorf("%s.%s: missing type", p, typeName)
					continue
				}
				ms := types.NewMethodSet(types.NewPointer(h.Type()))
				for name, want := range map[string]string{
					"ServeHTTP": "func(http.ResponseWriter, *http.Request)",
					"Wait":      "func(context.Context) error",
				} {
					sel := ms.Lookup(pkg, name)
					if sel == nil {
						t.Errorf("(*%s.%s).%s: missing", p, typeName, name)
						continue
					}
					if got := sigString(sel.Type().(*types.Signature), qualifier(pkg)); got != want {
						t.Errorf("(*%s.%s).%s:\n got %s\nwant %s", p, typeName, name, got, want)
					}
				}
			}
		})
	}
}

// TestErrorTypes: the validation types are the shared ones, APIError and
// Meta carry the same fields, and every *Result type names its Meta.
func TestErrorTypes(t *testing.T) {
	pkgs := load(t)
	inv := pkgs[module+"internal/invalid"]
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			pkg := pkgs[module+p]
			for _, name := range []string{"ValidationError", "ValidationErrors", "ArgumentError"} {
				obj, ok := pkg.Scope().Lookup(name).(*types.TypeName)
				if !ok {
					t.Errorf("%s.%s: missing type", p, name)
					continue
				}
				if !types.Identical(obj.Type(), inv.Scope().Lookup(name).Type()) {
					t.Errorf("%s.%s is not internal/invalid.%s", p, name, name)
				}
			}
			fields := func(typeName string, want []string, skip map[string]string) {
				obj, ok := pkg.Scope().Lookup(typeName).(*types.TypeName)
				if !ok {
					t.Errorf("%s.%s: missing type", p, typeName)
					return
				}
				st, ok := obj.Type().Underlying().(*types.Struct)
				if !ok {
					t.Errorf("%s.%s is not a struct", p, typeName)
					return
				}
				have := map[string]bool{}
				for i := 0; i < st.NumFields(); i++ {
					have[st.Field(i).Name()] = true
				}
				for _, f := range want {
					if _, ok := skip[f]; !ok && !have[f] {
						t.Errorf("%s.%s has no field %s", p, typeName, f)
					}
				}
			}
			noCode := map[string]string{}
			if p == "line" {
				noCode["Code"] = "LINE's error body has a message and details, no code"
			}
			fields("APIError", []string{"StatusCode", "Code", "Message", "RequestID", "RetryAfter", "Body"}, noCode)
			fields("Meta", []string{"StatusCode", "RequestID", "Header"}, nil)
			// Result is the result of a call that returns no data; CLOVA's
			// Chatbot API always answers with bubbles (ChatbotResponse).
			if _, ok := pkg.Scope().Lookup("Result").(*types.TypeName); !ok && p != "clova" {
				t.Errorf("%s.Result: missing type", p)
			}
			// Every struct a client method returns names its Meta.
			meta := pkg.Scope().Lookup("Meta")
			client, ok := pkg.Scope().Lookup("Client").(*types.TypeName)
			if !ok || meta == nil {
				t.Fatalf("%s: no Client or no Meta type", p)
			}
			ms := types.NewMethodSet(types.NewPointer(client.Type()))
			for i := 0; i < ms.Len(); i++ {
				m := ms.At(i).Obj()
				if !m.Exported() {
					continue
				}
				res := m.Type().(*types.Signature).Results()
				for j := 0; j < res.Len(); j++ {
					typ := res.At(j).Type()
					if ptr, ok := typ.(*types.Pointer); ok {
						typ = ptr.Elem()
					}
					named, ok := typ.(*types.Named)
					if !ok || named.Obj().Pkg() != pkg {
						continue
					}
					st, ok := named.Underlying().(*types.Struct)
					if !ok {
						continue
					}
					hasMeta := false
					for k := 0; k < st.NumFields(); k++ {
						f := st.Field(k)
						if f.Name() == "Meta" && types.Identical(f.Type(), meta.Type()) {
							if f.Embedded() {
								t.Errorf("%s.%s (from Client.%s) embeds Meta; it must be a named field", p, named.Obj().Name(), m.Name())
							}
							hasMeta = true
						}
					}
					if !hasMeta {
						t.Errorf("%s.%s (from Client.%s) has no Meta Meta field", p, named.Obj().Name(), m.Name())
					}
				}
			}
		})
	}
}

// TestDiscriminators: an exported interface whose method reports a wire
// discriminator calls it Type, in every package.
func TestDiscriminators(t *testing.T) {
	pkgs := load(t)
	for _, p := range platforms {
		pkg := pkgs[module+p]
		for _, name := range pkg.Scope().Names() {
			obj, ok := pkg.Scope().Lookup(name).(*types.TypeName)
			if !ok || !obj.Exported() {
				continue
			}
			iface, ok := obj.Type().Underlying().(*types.Interface)
			if !ok {
				continue
			}
			for i := 0; i < iface.NumMethods(); i++ {
				m := iface.Method(i)
				switch m.Name() {
				case "EventType", "ContentType", "RequestType", "ActionType", "Kind":
					t.Errorf("%s.%s has discriminator %s; the shared name is Type() string", p, name, m.Name())
				case "Type":
					if got := sigString(m.Type().(*types.Signature), qualifier(pkg)); got != "func() string" {
						t.Errorf("%s.%s.Type is %s, want func() string", p, name, got)
					}
				}
			}
		}
	}
}

func TestFakes(t *testing.T) {
	pkgs := load(t)
	fault := pkgs[module+"internal/fakeserver"].Scope().Lookup("Fault").Type()
	for _, p := range platforms {
		t.Run(p+"test", func(t *testing.T) {
			fake := pkgs[module+p+"/"+p+"test"]
			q := func(other *types.Package) string {
				if other == fake {
					return ""
				}
				if other.Path() == module+p {
					return "P"
				}
				return other.Name()
			}
			for _, f := range fakeFuncs {
				fn, ok := fake.Scope().Lookup(f.name).(*types.Func)
				if !ok {
					t.Errorf("%stest.%s: missing (want %s)", p, f.name, f.want)
					continue
				}
				if got := sigString(fn.Type().(*types.Signature), q); got != f.want {
					t.Errorf("%stest.%s:\n got %s\nwant %s", p, f.name, got, f.want)
				}
			}
			if obj, ok := fake.Scope().Lookup("Fault").(*types.TypeName); !ok || !types.Identical(obj.Type(), fault) {
				t.Errorf("%stest.Fault is not internal/fakeserver.Fault", p)
			}
			if obj := fake.Scope().Lookup("WithClock"); obj != nil {
				if got := sigString(obj.Type().(*types.Signature), q); got != "func(func() time.Time) ServerOption" {
					t.Errorf("%stest.WithClock: got %s, want func(func() time.Time) ServerOption", p, got)
				}
			}
			srv, ok := fake.Scope().Lookup("Server").(*types.TypeName)
			if !ok {
				t.Fatalf("%stest.Server: missing type", p)
			}
			ms := types.NewMethodSet(types.NewPointer(srv.Type()))
			for _, m := range fakeMethods {
				sel := ms.Lookup(fake, m.name)
				if sel == nil {
					t.Errorf("(*%stest.Server).%s: missing (want %s)", p, m.name, m.want)
					continue
				}
				if got := sigString(sel.Type().(*types.Signature), q); got != m.want {
					t.Errorf("(*%stest.Server).%s:\n got %s\nwant %s", p, m.name, got, m.want)
				}
			}
			for _, old := range []string{"SetClock", "Inject"} {
				if ms.Lookup(fake, old) != nil {
					t.Errorf("(*%stest.Server).%s: use the shared vocabulary (WithClock, FailNext)", p, old)
				}
			}
		})
	}
}
