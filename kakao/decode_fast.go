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
// reads the subset and [wire.Object] walks each object: a struct's reader
// is its table of keys, each with its place for refusing a repeated one.
//
// null is read where encoding/json's result for it is plain: a string
// field or a pointer, slice or map left at its zero value, a user
// property as its conversion makes it, a clientExtra value as nil.
//
// Every reader stores what it reads through its last argument and reports
// whether it read it.

// decodeFast decodes body as a skill payload, or reports false.
func decodeFast(body []byte) (*Request, bool) {
	s := wire.NewScanner(body)
	if s.Peek() != '{' {
		return nil, false
	}
	req := new(Request)
	o := wire.Walk(&s)
	for o.Next() {
		switch string(o.Key()) {
		case "intent":
			o.Read(0, scanIntent(&s, &req.Intent))
		case "userRequest":
			o.Read(1, scanUserRequest(&s, &req.UserRequest))
		case "bot":
			o.Read(2, scanPair(&s, "id", &req.Bot.ID, "name", &req.Bot.Name))
		case "action":
			o.Read(3, scanAction(&s, &req.Action))
		case "contexts":
			o.Read(4, scanContexts(&s, &req.Contexts))
		case "flow":
			o.Read(5, scanFlow(&s, &req.Flow))
		default:
			return nil, false
		}
	}
	// Without userRequest the payload is malformed: the slow path says so.
	if !o.Close() || !s.End() || !o.Seen(1) {
		return nil, false
	}
	return req, true
}

// scanText reads a string field: a string, or null (left empty, as
// encoding/json leaves it).
func scanText(s *wire.Scanner, v *string) bool {
	if s.Peek() == 'n' {
		*v = ""
		return s.Null()
	}
	var ok bool
	*v, ok = s.Text()
	return ok
}

// scanString reads a string, and not null.
func scanString(s *wire.Scanner, v *string) bool {
	var ok bool
	*v, ok = s.Text()
	return ok
}

// scanPair reads an object of at most two string fields, such as a block
// {id, name}.
func scanPair(s *wire.Scanner, k1 string, v1 *string, k2 string, v2 *string) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case k1:
			o.Read(0, scanText(s, v1))
		case k2:
			o.Read(1, scanText(s, v2))
		default:
			return false
		}
	}
	return o.Close()
}

// scanBlock reads a *Block: an object, or null (nil).
func scanBlock(s *wire.Scanner, b **Block) bool {
	if s.Peek() == 'n' {
		*b = nil
		return s.Null()
	}
	*b = new(Block)
	return scanPair(s, "id", &(*b).ID, "name", &(*b).Name)
}

// scanIntent reads intent.
func scanIntent(s *wire.Scanner, in *Intent) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "id":
			o.Read(0, scanText(s, &in.ID))
		case "name":
			o.Read(1, scanText(s, &in.Name))
		case "extra":
			var x *intentExtraWire
			o.Read(2, scanIntentExtra(s, &x))
			in.Extra = x.extra()
		default:
			return false
		}
	}
	return o.Close()
}

// scanIntentExtra reads intent.extra with its spellings apart, as both
// slow decoders do.
func scanIntentExtra(s *wire.Scanner, p **intentExtraWire) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	x := new(intentExtraWire)
	*p = x
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "reason":
			o.Read(0, scanReason(s, &x.Reason))
		case "knowledge":
			o.Read(1, scanKnowledge(s, &x.Knowledge))
		case "knowledges":
			o.Read(2, scanKnowledge(s, &x.Knowledges))
		case "matched_knowledges":
			o.Read(3, scanKnowledgeEntries(s, &x.Matched))
		default:
			return false
		}
	}
	return o.Close()
}

// scanReason reads intent.extra.reason.
func scanReason(s *wire.Scanner, p **Reason) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	r := new(Reason)
	*p = r
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "code":
			o.Read(0, scanInt(s, &r.Code))
		case "message":
			o.Read(1, scanText(s, &r.Message))
		default:
			return false
		}
	}
	return o.Close()
}

// scanInt reads a number into an int as encoding/json does: an integer
// literal in range; null leaves 0.
func scanInt(s *wire.Scanner, v *int) bool {
	if s.Peek() == 'n' {
		*v = 0
		return s.Null()
	}
	n, ok := s.Number()
	if !ok {
		return false
	}
	i, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	*v = int(i)
	return err == nil
}

// scanKnowledge reads intent.extra.knowledge.
func scanKnowledge(s *wire.Scanner, p **Knowledge) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	kn := new(Knowledge)
	*p = kn
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "responseType":
			o.Read(0, scanText(s, &kn.ResponseType))
		case "matchedKnowledges":
			o.Read(1, scanKnowledgeEntries(s, &kn.MatchedKnowledges))
		default:
			return false
		}
	}
	return o.Close()
}

// scanKnowledgeEntries reads an array of knowledge-base entries; [] is an
// empty, non-nil slice and null a nil one, as encoding/json makes them.
func scanKnowledgeEntries(s *wire.Scanner, p *[]KnowledgeEntry) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	if !s.OpenArray() {
		return false
	}
	out := []KnowledgeEntry{}
	for more := s.FirstItem(); more; more = s.NextItem() {
		var e KnowledgeEntry
		if !scanKnowledgeEntry(s, &e) {
			return false
		}
		out = append(out, e)
	}
	*p = out
	return s.CloseArray()
}

// scanKnowledgeEntry reads one matched knowledge-base entry.
func scanKnowledgeEntry(s *wire.Scanner, e *KnowledgeEntry) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "answer":
			o.Read(0, scanText(s, &e.Answer))
		case "question":
			o.Read(1, scanText(s, &e.Question))
		case "categories":
			o.Read(2, scanCategories(s, &e.Categories))
		case "landingUrl":
			o.Read(3, scanText(s, &e.LandingURL))
		case "imageUrl":
			o.Read(4, scanText(s, &e.ImageURL))
		default:
			return false
		}
	}
	return o.Close()
}

// scanCategories reads an array of strings; null leaves it nil.
func scanCategories(s *wire.Scanner, v *[]string) bool {
	if s.Peek() == 'n' {
		*v = nil
		return s.Null()
	}
	var ok bool
	*v, ok = s.Strings()
	return ok
}

// scanUserRequest reads userRequest.
func scanUserRequest(s *wire.Scanner, u *UserRequest) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "timezone":
			o.Read(0, scanText(s, &u.Timezone))
		case "params":
			o.Read(1, scanStrings(s, &u.Params))
		case "block":
			o.Read(2, scanPair(s, "id", &u.Block.ID, "name", &u.Block.Name))
		case "utterance":
			o.Read(3, scanText(s, &u.Utterance))
		case "lang":
			o.Read(4, scanText(s, &u.Lang))
		case "user":
			o.Read(5, scanUser(s, &u.User))
		case "callbackUrl":
			o.Read(6, scanText(s, &u.CallbackURL))
		default:
			return false
		}
	}
	return o.Close()
}

// scanStrings reads an object of strings (parameters); {} is an empty,
// non-nil map and null a nil one, as encoding/json makes them.
func scanStrings(s *wire.Scanner, p *Params) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	m := make(map[string]string)
	*p = m
	o := wire.Walk(s)
	for o.Next() {
		k := o.Key()
		if _, dup := m[string(k)]; dup {
			return false
		}
		v, ok := s.Text()
		m[string(k)] = v
		o.Read(-1, ok)
	}
	return o.Close()
}

// scanUser reads userRequest.user.
func scanUser(s *wire.Scanner, u *User) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "id":
			o.Read(0, scanText(s, &u.ID))
		case "type":
			o.Read(1, scanText(s, &u.Type))
		case "properties":
			o.Read(2, scanUserProperties(s, &u.Properties))
		default:
			return false
		}
	}
	return o.Close()
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
	o := wire.Walk(s)
	for o.Next() {
		k := o.Key()
		switch string(k) {
		case "plusfriendUserKey":
			o.Read(0, scanProperty(s, p, k, &p.PlusfriendUserKey))
		case "appUserId":
			o.Read(1, scanProperty(s, p, k, &p.AppUserID))
		case "botUserKey":
			o.Read(2, scanProperty(s, p, k, &p.BotUserKey))
		case "isFriend":
			o.Read(3, scanIsFriend(s, p, k))
		default:
			// Extra tells the other keys apart.
			if _, dup := p.Extra[string(k)]; dup {
				return false
			}
			o.Read(-1, scanExtra(s, p, k))
		}
	}
	return o.Close()
}

// scanProperty reads a known user property: a string, a number (its
// text) or null (left empty); any other value goes to Extra under k.
func scanProperty(s *wire.Scanner, p *UserProperties, k []byte, field *string) bool {
	switch c := s.Peek(); {
	case c == '"':
		return scanString(s, field)
	case c == 'n':
		return s.Null()
	case c == '-' || '0' <= c && c <= '9':
		n, ok := s.Number()
		*field = string(n)
		return ok
	}
	return scanExtra(s, p, k)
}

// scanIsFriend reads isFriend: a bool, "true", "false" or null (left
// false); any other string or value goes to Extra under k.
func scanIsFriend(s *wire.Scanner, p *UserProperties, k []byte) bool {
	switch s.Peek() {
	case 't', 'f':
		var ok bool
		p.IsFriend, ok = s.Bool()
		return ok
	case 'n':
		return s.Null()
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
		return true
	}
	return scanExtra(s, p, k)
}

// scanExtra reads a value into Extra under k, as encoding/json decodes
// it into an any.
func scanExtra(s *wire.Scanner, p *UserProperties, k []byte) bool {
	v, ok := scanAny(s, 0)
	if ok {
		setExtra(p, string(k), v)
	}
	return ok
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
	m := make(map[string]any)
	o := wire.Walk(s)
	for o.Next() {
		k := o.Key()
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		v, ok := scanAny(s, depth+1)
		m[string(k)] = v
		o.Read(-1, ok)
	}
	return m, o.Close()
}

// scanAction reads action.
func scanAction(s *wire.Scanner, a *Action) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "id":
			o.Read(0, scanText(s, &a.ID))
		case "name":
			o.Read(1, scanText(s, &a.Name))
		case "params":
			o.Read(2, scanStrings(s, &a.Params))
		case "detailParams":
			o.Read(3, scanDetailParams(s, &a.DetailParams))
		case "clientExtra":
			o.Read(4, scanClientExtra(s, &a.ClientExtra))
		default:
			return false
		}
	}
	return o.Close()
}

// scanClientExtra reads action.clientExtra: null (nil) or an object as
// encoding/json decodes it into a map[string]any.
func scanClientExtra(s *wire.Scanner, p *map[string]any) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	var ok bool
	*p, ok = scanObject(s, 0)
	return ok
}

// scanDetailParams reads action.detailParams: an object of {origin,
// value, groupName} objects of strings.
func scanDetailParams(s *wire.Scanner, p *map[string]DetailParam) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	m := make(map[string]DetailParam)
	*p = m
	o := wire.Walk(s)
	for o.Next() {
		k := o.Key()
		if _, dup := m[string(k)]; dup {
			return false
		}
		var d DetailParam
		ok := scanDetail(s, &d)
		m[string(k)] = d
		o.Read(-1, ok)
	}
	return o.Close()
}

// scanDetail reads one detail parameter.
func scanDetail(s *wire.Scanner, d *DetailParam) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "origin":
			o.Read(0, scanString(s, &d.Origin))
		case "value":
			o.Read(1, scanString(s, &d.Value))
		case "groupName":
			o.Read(2, scanString(s, &d.GroupName))
		default:
			return false
		}
	}
	return o.Close()
}

// scanContexts reads contexts: an array of contexts in the request form
// with nothing [Context] keeps in Extra or Raw; [] is an empty, non-nil
// slice and null a nil one, as encoding/json makes them.
func scanContexts(s *wire.Scanner, p *[]Context) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	if !s.OpenArray() {
		return false
	}
	out := []Context{}
	for more := s.FirstItem(); more; more = s.NextItem() {
		var c Context
		if !scanContext(s, &c) {
			return false
		}
		out = append(out, c)
	}
	*p = out
	return s.CloseArray()
}

// scanContext reads one context as Context.UnmarshalJSON does, giving up
// where that would keep something in Extra or Raw.
func scanContext(s *wire.Scanner, c *Context) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "name":
			o.Read(0, scanFlex(s, &c.Name))
		case "lifespan", "lifeSpan":
			// Both spellings at once go the slow way, which prefers one.
			o.Read(1, scanFlexInt(s, &c.Lifespan))
		case "ttl":
			o.Read(2, scanFlexInt(s, &c.TTL))
		case "params":
			o.Read(3, scanContextParams(s, &c.Params))
		default:
			return false
		}
	}
	return o.Close()
}

// scanFlex reads what flexText reads: a string, a number (its text) or
// null ("").
func scanFlex(s *wire.Scanner, v *string) bool {
	if s.Peek() == 'n' {
		*v = ""
		return s.Null()
	}
	f, ok := s.Flex()
	*v = string(f)
	return ok
}

// scanFlexInt reads what flexInt reads, giving up on the fraction and
// exponent forms it also takes.
func scanFlexInt(s *wire.Scanner, v *int) bool {
	var f string
	if !scanFlex(s, &f) {
		return false
	}
	if f == "" {
		*v = 0
		return true
	}
	n, err := strconv.Atoi(f)
	*v = n
	return err == nil
}

// scanContextParams reads a context's params: null (nil), or an object of
// parameters, each a string, a number, null or a {value, resolvedValue}
// object.
func scanContextParams(s *wire.Scanner, p *map[string]ContextParam) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	m := make(map[string]ContextParam)
	*p = m
	o := wire.Walk(s)
	for o.Next() {
		k := o.Key()
		if _, dup := m[string(k)]; dup {
			return false
		}
		var cp ContextParam
		var ok bool
		if s.Peek() == '{' {
			ok = scanContextParam(s, &cp)
		} else {
			ok = scanFlex(s, &cp.Value)
		}
		m[string(k)] = cp
		o.Read(-1, ok)
	}
	return o.Close()
}

// scanContextParam reads a {value, resolvedValue} parameter object.
func scanContextParam(s *wire.Scanner, p *ContextParam) bool {
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "value":
			o.Read(0, scanFlex(s, &p.Value))
		case "resolvedValue":
			o.Read(1, scanFlex(s, &p.ResolvedValue))
		default:
			return false
		}
	}
	return o.Close()
}

// scanFlow reads flow: null (nil) or {lastBlock, trigger}.
func scanFlow(s *wire.Scanner, p **Flow) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	f := new(Flow)
	*p = f
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "lastBlock":
			o.Read(0, scanBlock(s, &f.LastBlock))
		case "trigger":
			o.Read(1, scanTrigger(s, &f.Trigger))
		default:
			return false
		}
	}
	return o.Close()
}

// scanTrigger reads flow.trigger: null (nil) or {type, referrerBlock}.
func scanTrigger(s *wire.Scanner, p **Trigger) bool {
	if s.Peek() == 'n' {
		*p = nil
		return s.Null()
	}
	t := new(Trigger)
	*p = t
	o := wire.Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "type":
			var v string
			o.Read(0, scanText(s, &v))
			t.Type = TriggerType(v)
		case "referrerBlock":
			o.Read(1, scanBlock(s, &t.ReferrerBlock))
		default:
			return false
		}
	}
	return o.Close()
}
