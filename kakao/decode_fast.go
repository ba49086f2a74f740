package kakao

import (
	"strconv"

	"github.com/channelkit/channelkit/internal/wire"
)

// A hand-written decoder for the skill payloads Kakao sends: intent (with
// its knowledge-base extra), userRequest, bot, action, contexts and flow,
// in the shapes real payloads have. It builds exactly the Request that
// parseFast or parseLenient builds from the same bytes — TestFastDecoding
// and FuzzFastDecoding hold it to that — and gives up on anything outside
// a strict subset of JSON: a key it does not know or sees twice
// (encoding/json matches struct keys in any case and keeps the last of
// repeated ones), a string with a \u escape or invalid UTF-8, a value of a
// type the payloads do not use there (a number for a parameter, an
// object for a block name), a context in a shape that [Context] keeps in
// Raw or with keys it keeps in Extra. Such bodies go through
// encoding/json, which also decides what is malformed. [wire.Scanner]
// reads the subset.
//
// null is read where encoding/json's result for it is plain: a string
// field or a pointer, slice or map left at its zero value, a user
// property as its conversion makes it, a clientExtra value as nil.

// decodeFast decodes body as a skill payload, or reports false.
func decodeFast(body []byte) (*Request, bool) {
	s := wire.NewScanner(body)
	if !s.Open() {
		return nil, false
	}
	req := new(Request)
	var seen [6]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var i int
		switch string(k) {
		case "intent":
			ok = scanIntent(&s, &req.Intent)
		case "userRequest":
			i = 1
			ok = scanUserRequest(&s, &req.UserRequest)
		case "bot":
			i = 2
			ok = scanPair(&s, "id", &req.Bot.ID, "name", &req.Bot.Name)
		case "action":
			i = 3
			ok = scanAction(&s, &req.Action)
		case "contexts":
			i = 4
			req.Contexts, ok = scanContexts(&s)
		case "flow":
			i = 5
			req.Flow, ok = scanFlow(&s)
		default:
			return nil, false
		}
		if !ok || seen[i] {
			return nil, false
		}
		seen[i] = true
	}
	// Without userRequest the payload is malformed: the slow path says so.
	if !s.Close() || !s.End() || !seen[1] {
		return nil, false
	}
	return req, true
}

// scanText reads a string field: a string, or null (left empty, as
// encoding/json leaves it).
func scanText(s *wire.Scanner) (string, bool) {
	if s.Peek() == 'n' {
		return "", s.Null()
	}
	return s.Text()
}

// scanPair reads an object of at most two string fields, such as a block
// {id, name}.
func scanPair(s *wire.Scanner, k1 string, v1 *string, k2 string, v2 *string) bool {
	if !s.Open() {
		return false
	}
	var seen1, seen2 bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var dup bool
		switch string(k) {
		case k1:
			dup, seen1 = seen1, true
			*v1, ok = scanText(s)
		case k2:
			dup, seen2 = seen2, true
			*v2, ok = scanText(s)
		default:
			return false
		}
		if !ok || dup {
			return false
		}
	}
	return s.Close()
}

// scanBlock reads a *Block: an object, or null (nil).
func scanBlock(s *wire.Scanner) (*Block, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	b := new(Block)
	return b, scanPair(s, "id", &b.ID, "name", &b.Name)
}

// scanIntent reads intent.
func scanIntent(s *wire.Scanner, in *Intent) bool {
	if !s.Open() {
		return false
	}
	var seen [3]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "id":
			in.ID, ok = scanText(s)
		case "name":
			i = 1
			in.Name, ok = scanText(s)
		case "extra":
			i = 2
			var x *intentExtraWire
			x, ok = scanIntentExtra(s)
			in.Extra = x.extra()
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanIntentExtra reads intent.extra with its spellings apart, as both
// slow decoders do.
func scanIntentExtra(s *wire.Scanner) (*intentExtraWire, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	x := new(intentExtraWire)
	var seen [4]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var i int
		switch string(k) {
		case "reason":
			x.Reason, ok = scanReason(s)
		case "knowledge":
			i = 1
			x.Knowledge, ok = scanKnowledge(s)
		case "knowledges":
			i = 2
			x.Knowledges, ok = scanKnowledge(s)
		case "matched_knowledges":
			i = 3
			x.Matched, ok = scanKnowledgeEntries(s)
		default:
			return nil, false
		}
		if !ok || seen[i] {
			return nil, false
		}
		seen[i] = true
	}
	return x, s.Close()
}

// scanReason reads intent.extra.reason.
func scanReason(s *wire.Scanner) (*Reason, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	r := new(Reason)
	var code, message bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var dup bool
		switch string(k) {
		case "code":
			dup, code = code, true
			r.Code, ok = scanInt(s)
		case "message":
			dup, message = message, true
			r.Message, ok = scanText(s)
		default:
			return nil, false
		}
		if !ok || dup {
			return nil, false
		}
	}
	return r, s.Close()
}

// scanInt reads a number into an int as encoding/json does: an integer
// literal in range; null leaves 0.
func scanInt(s *wire.Scanner) (int, bool) {
	if s.Peek() == 'n' {
		return 0, s.Null()
	}
	n, ok := s.Number()
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	return int(v), err == nil
}

// scanKnowledge reads intent.extra.knowledge.
func scanKnowledge(s *wire.Scanner) (*Knowledge, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	kn := new(Knowledge)
	var responseType, matched bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var dup bool
		switch string(k) {
		case "responseType":
			dup, responseType = responseType, true
			kn.ResponseType, ok = scanText(s)
		case "matchedKnowledges":
			dup, matched = matched, true
			kn.MatchedKnowledges, ok = scanKnowledgeEntries(s)
		default:
			return nil, false
		}
		if !ok || dup {
			return nil, false
		}
	}
	return kn, s.Close()
}

// scanKnowledgeEntries reads an array of knowledge-base entries; [] is an
// empty, non-nil slice and null a nil one, as encoding/json makes them.
func scanKnowledgeEntries(s *wire.Scanner) ([]KnowledgeEntry, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.OpenArray() {
		return nil, false
	}
	out := []KnowledgeEntry{}
	for more := s.FirstItem(); more; more = s.NextItem() {
		var e KnowledgeEntry
		if !scanKnowledgeEntry(s, &e) {
			return nil, false
		}
		out = append(out, e)
	}
	return out, s.CloseArray()
}

// scanKnowledgeEntry reads one matched knowledge-base entry.
func scanKnowledgeEntry(s *wire.Scanner, e *KnowledgeEntry) bool {
	if !s.Open() {
		return false
	}
	var seen [5]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "answer":
			e.Answer, ok = scanText(s)
		case "question":
			i = 1
			e.Question, ok = scanText(s)
		case "categories":
			i = 2
			if s.Peek() == 'n' {
				ok = s.Null()
			} else {
				e.Categories, ok = s.Strings()
			}
		case "landingUrl":
			i = 3
			e.LandingURL, ok = scanText(s)
		case "imageUrl":
			i = 4
			e.ImageURL, ok = scanText(s)
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanUserRequest reads userRequest.
func scanUserRequest(s *wire.Scanner, u *UserRequest) bool {
	if !s.Open() {
		return false
	}
	var seen [7]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "timezone":
			u.Timezone, ok = scanText(s)
		case "params":
			i = 1
			u.Params, ok = scanStrings(s)
		case "block":
			i = 2
			ok = scanPair(s, "id", &u.Block.ID, "name", &u.Block.Name)
		case "utterance":
			i = 3
			u.Utterance, ok = scanText(s)
		case "lang":
			i = 4
			u.Lang, ok = scanText(s)
		case "user":
			i = 5
			ok = scanUser(s, &u.User)
		case "callbackUrl":
			i = 6
			u.CallbackURL, ok = scanText(s)
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanStrings reads an object of strings (parameters); {} is an empty,
// non-nil map and null a nil one, as encoding/json makes them.
func scanStrings(s *wire.Scanner) (map[string]string, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	m := make(map[string]string)
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		if m[string(k)], ok = s.Text(); !ok {
			return nil, false
		}
	}
	return m, s.Close()
}

// scanUser reads userRequest.user.
func scanUser(s *wire.Scanner, u *User) bool {
	if !s.Open() {
		return false
	}
	var seen [3]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "id":
			u.ID, ok = scanText(s)
		case "type":
			i = 1
			u.Type, ok = scanText(s)
		case "properties":
			i = 2
			ok = scanUserProperties(s, &u.Properties)
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanUserProperties reads user.properties with the conversions
// UserProperties.UnmarshalJSON makes: a known key takes a string, a
// number (its text) or null, isFriend a bool, "true", "false" or null;
// any other value, and every other key, goes to Extra as encoding/json
// decodes it into an any.
func scanUserProperties(s *wire.Scanner, p *UserProperties) bool {
	if s.Peek() == 'n' {
		return s.Null()
	}
	if !s.Open() {
		return false
	}
	var seen [4]bool // the known keys; Extra's tell the others apart
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var field *string
		i := -1
		switch string(k) {
		case "plusfriendUserKey":
			i, field = 0, &p.PlusfriendUserKey
		case "appUserId":
			i, field = 1, &p.AppUserID
		case "botUserKey":
			i, field = 2, &p.BotUserKey
		case "isFriend":
			i = 3
		}
		if i >= 0 {
			if seen[i] {
				return false
			}
			seen[i] = true
		} else if _, dup := p.Extra[string(k)]; dup {
			return false
		}
		if i == 3 {
			switch s.Peek() {
			case 't', 'f':
				if p.IsFriend, ok = s.Bool(); !ok {
					return false
				}
				continue
			case 'n':
				if !s.Null() {
					return false
				}
				continue
			case '"':
				v, ok := s.RawText()
				switch {
				case !ok:
					return false
				case string(v) == "true":
					p.IsFriend = true
				case string(v) == "false":
				default:
					setExtra(p, string(k), string(v))
				}
				continue
			}
		}
		if field != nil {
			switch c := s.Peek(); {
			case c == '"':
				*field, ok = s.Text()
				if !ok {
					return false
				}
				continue
			case c == 'n':
				if !s.Null() {
					return false
				}
				continue
			case c == '-' || '0' <= c && c <= '9':
				n, ok := s.Number()
				if !ok {
					return false
				}
				*field = string(n)
				continue
			}
		}
		v, ok := scanAny(s, 0)
		if !ok {
			return false
		}
		setExtra(p, string(k), v)
	}
	return s.Close()
}

func setExtra(p *UserProperties, k string, v any) {
	if p.Extra == nil {
		p.Extra = make(map[string]any)
	}
	p.Extra[k] = v
}

// maxAnyDepth bounds the nesting scanAny follows; deeper values go the
// slow way.
const maxAnyDepth = 32

// scanAny reads a value as encoding/json decodes it into an any: objects
// into map[string]any, arrays into []any, numbers into float64.
func scanAny(s *wire.Scanner, depth int) (any, bool) {
	if depth > maxAnyDepth {
		return nil, false
	}
	switch c := s.Peek(); c {
	case '"':
		return s.Text()
	case 't', 'f':
		return s.Bool()
	case 'n':
		return nil, s.Null()
	case '{':
		return scanObject(s, depth)
	case '[':
		s.OpenArray()
		out := []any{}
		for more := s.FirstItem(); more; more = s.NextItem() {
			v, ok := scanAny(s, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, s.CloseArray()
	default:
		return s.Float64()
	}
}

// scanObject reads an object as encoding/json decodes it into a
// map[string]any.
func scanObject(s *wire.Scanner, depth int) (map[string]any, bool) {
	if !s.Open() {
		return nil, false
	}
	m := make(map[string]any)
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		if m[string(k)], ok = scanAny(s, depth+1); !ok {
			return nil, false
		}
	}
	return m, s.Close()
}

// scanAction reads action.
func scanAction(s *wire.Scanner, a *Action) bool {
	if !s.Open() {
		return false
	}
	var seen [5]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "id":
			a.ID, ok = scanText(s)
		case "name":
			i = 1
			a.Name, ok = scanText(s)
		case "params":
			i = 2
			a.Params, ok = scanStrings(s)
		case "detailParams":
			i = 3
			a.DetailParams, ok = scanDetailParams(s)
		case "clientExtra":
			i = 4
			if s.Peek() == 'n' {
				ok = s.Null()
			} else {
				a.ClientExtra, ok = scanObject(s, 0)
			}
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanDetailParams reads action.detailParams: an object of {origin,
// value, groupName} objects of strings.
func scanDetailParams(s *wire.Scanner) (map[string]DetailParam, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	m := make(map[string]DetailParam)
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		var d DetailParam
		if !scanDetail(s, &d) {
			return nil, false
		}
		m[string(k)] = d
	}
	return m, s.Close()
}

// scanDetail reads one detail parameter.
func scanDetail(s *wire.Scanner, d *DetailParam) bool {
	if !s.Open() {
		return false
	}
	var seen [3]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "origin":
			d.Origin, ok = s.Text()
		case "value":
			i = 1
			d.Value, ok = s.Text()
		case "groupName":
			i = 2
			d.GroupName, ok = s.Text()
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanContexts reads contexts: an array of contexts in the request form
// with nothing [Context] keeps in Extra or Raw; [] is an empty, non-nil
// slice and null a nil one, as encoding/json makes them.
func scanContexts(s *wire.Scanner) ([]Context, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.OpenArray() {
		return nil, false
	}
	out := []Context{}
	for more := s.FirstItem(); more; more = s.NextItem() {
		var c Context
		if !scanContext(s, &c) {
			return nil, false
		}
		out = append(out, c)
	}
	return out, s.CloseArray()
}

// scanContext reads one context as Context.UnmarshalJSON does, giving up
// where that would keep something in Extra or Raw.
func scanContext(s *wire.Scanner, c *Context) bool {
	if !s.Open() {
		return false
	}
	var seen [4]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "name":
			c.Name, ok = scanFlex(s)
		case "lifespan", "lifeSpan":
			// Both spellings at once go the slow way, which prefers one.
			i = 1
			c.Lifespan, ok = scanFlexInt(s)
		case "ttl":
			i = 2
			c.TTL, ok = scanFlexInt(s)
		case "params":
			i = 3
			c.Params, ok = scanContextParams(s)
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.Close()
}

// scanFlex reads what flexText reads: a string, a number (its text) or
// null ("").
func scanFlex(s *wire.Scanner) (string, bool) {
	if s.Peek() == 'n' {
		return "", s.Null()
	}
	v, ok := s.Flex()
	return string(v), ok
}

// scanFlexInt reads what flexInt reads, giving up on the fraction and
// exponent forms it also takes.
func scanFlexInt(s *wire.Scanner) (int, bool) {
	v, ok := scanFlex(s)
	if !ok || v == "" {
		return 0, ok
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// scanContextParams reads a context's params: null (nil), or an object of
// parameters, each a string, a number, null or a {value, resolvedValue}
// object.
func scanContextParams(s *wire.Scanner) (map[string]ContextParam, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	m := make(map[string]ContextParam)
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		var p ContextParam
		if s.Peek() == '{' {
			ok = scanContextParam(s, &p)
		} else {
			p.Value, ok = scanFlex(s)
		}
		if !ok {
			return nil, false
		}
		m[string(k)] = p
	}
	return m, s.Close()
}

// scanContextParam reads a {value, resolvedValue} parameter object.
func scanContextParam(s *wire.Scanner, p *ContextParam) bool {
	if !s.Open() {
		return false
	}
	var value, resolved bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var dup bool
		switch string(k) {
		case "value":
			dup, value = value, true
			p.Value, ok = scanFlex(s)
		case "resolvedValue":
			dup, resolved = resolved, true
			p.ResolvedValue, ok = scanFlex(s)
		default:
			return false
		}
		if !ok || dup {
			return false
		}
	}
	return s.Close()
}

// scanFlow reads flow: null (nil) or {lastBlock, trigger}.
func scanFlow(s *wire.Scanner) (*Flow, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	f := new(Flow)
	var lastBlock, trigger bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var dup bool
		switch string(k) {
		case "lastBlock":
			dup, lastBlock = lastBlock, true
			f.LastBlock, ok = scanBlock(s)
		case "trigger":
			dup, trigger = trigger, true
			f.Trigger, ok = scanTrigger(s)
		default:
			return nil, false
		}
		if !ok || dup {
			return nil, false
		}
	}
	return f, s.Close()
}

// scanTrigger reads flow.trigger: null (nil) or {type, referrerBlock}.
func scanTrigger(s *wire.Scanner) (*Trigger, bool) {
	if s.Peek() == 'n' {
		return nil, s.Null()
	}
	if !s.Open() {
		return nil, false
	}
	t := new(Trigger)
	var typ, referrer bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var dup bool
		switch string(k) {
		case "type":
			dup, typ = typ, true
			var v string
			v, ok = scanText(s)
			t.Type = TriggerType(v)
		case "referrerBlock":
			dup, referrer = referrer, true
			t.ReferrerBlock, ok = scanBlock(s)
		default:
			return nil, false
		}
		if !ok || dup {
			return nil, false
		}
	}
	return t, s.Close()
}
