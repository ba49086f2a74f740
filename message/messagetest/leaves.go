package messagetest

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/message"
)

// covered reports whether rep has a loss at path or at a dropped parent of
// it: only a Dropped loss covers the fields below it.
func covered(rep message.Report, path string) bool {
	for _, l := range rep.Losses {
		if l.Path == path {
			return true
		}
		if l.Reason == message.Dropped && (l.Path == "" || strings.HasPrefix(path, l.Path+".") || strings.HasPrefix(path, l.Path+"[")) {
			return true
		}
	}
	return false
}

func containsAny(hay []string, needle string) bool {
	for _, h := range hay {
		if strings.Contains(h, needle) {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

type leaf struct{ path, value string }

// contentLeaves lists every non-empty string field reachable from c, with
// its path in loss-path syntax. Raw JSON is not a string leaf.
func contentLeaves(c message.Content) []leaf {
	var out []leaf
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				if f.IsExported() {
					walk(v.Field(i), message.JoinPath(path, f.Name))
				}
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), path+"["+strconv.Itoa(i)+"]")
			}
		case reflect.String:
			if s := v.String(); s != "" && v.Type() == reflect.TypeOf("") {
				out = append(out, leaf{path, s})
			}
		}
	}
	walk(reflect.ValueOf(c), "")
	return out
}

// pathExists reports whether path names a field (or element) of c.
func pathExists(c message.Content, path string) bool {
	v := reflect.ValueOf(c)
	rest := path
	for rest != "" {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return false
			}
			v = v.Elem()
		}
		switch {
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 || v.Kind() != reflect.Slice {
				return false
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || i < 0 || i >= v.Len() {
				return false
			}
			v = v.Index(i)
			rest = rest[end+1:]
		default:
			rest = strings.TrimPrefix(rest, ".")
			end := strings.IndexAny(rest, ".[")
			name := rest
			if end >= 0 {
				name, rest = rest[:end], rest[end:]
			} else {
				rest = ""
			}
			if v.Kind() != reflect.Struct {
				return false
			}
			f := v.FieldByName(name)
			if !f.IsValid() {
				return false
			}
			v = f
		}
	}
	return true
}

// stringLeaves returns every string value in a JSON document.
func stringLeaves(doc []byte) []string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			out = append(out, x)
			// Some platforms nest JSON documents in strings (TalkTalk
			// handover metadata, LINE postback data): look inside too.
			if len(x) > 1 && (x[0] == '{' || x[0] == '[') {
				out = append(out, stringLeaves([]byte(x))...)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
