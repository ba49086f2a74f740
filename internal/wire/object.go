package wire

// Object walks the members of one object for a hand-written decoder, so
// that the decoder's reader of a struct is its table of keys and nothing
// else:
//
//	o := wire.Walk(s)
//	for o.Next() {
//		switch string(o.Key()) {
//		case "id":
//			o.Read(0, readText(s, &x.ID))
//		case "name":
//			o.Read(1, readText(s, &x.Name))
//		default:
//			return false // a key the decoder does not know
//		}
//	}
//	return o.Close()
//
// [Walk] opens the object; the walk refuses a key seen twice
// by the place (0 to 63) [Object.Read] is given for it, and stops at the
// first member whose value was not read; [Object.Close] then reports false.
// A map's reader, which has no table of keys, checks repeated keys itself
// and reports its values with [Object.Read] and a negative place.
//
// It is a value on the decoder's stack, not a callback: a function value
// called with the Scanner would make every Scanner escape to the heap.
// An Object is used by one goroutine, as its Scanner is.
type Object struct {
	s       *Scanner
	key     []byte
	seen    uint64 // the places of the keys read so far
	started bool   // Next has been called
	failed  bool
}

// Walk consumes the { that starts an object and returns an Object that
// walks its members; if s is not at an object, the walk fails at once.
func Walk(s *Scanner) Object { return Object{s: s, failed: !s.Open()} }

// Next consumes the comma before the next member and its key, and reports
// whether there is a member whose value is to be read now. It reports
// false at the end of the object, and for good after a failure (not an
// object, a malformed key or separator, a value not read).
//
// It reads what [Scanner.First], [Scanner.Next] and [Scanner.Key] read,
// in one call.
func (o *Object) Next() bool {
	k, ok := o.next()
	o.key = k
	return ok
}

// next is Next's work, kept out of it so that Next inlines and the key
// comes back in registers.
func (o *Object) next() ([]byte, bool) {
	if o.failed {
		return nil, false
	}
	s := o.s
	if !o.started {
		o.started = true
		if s.peek() != '"' {
			return nil, false // {} ends here; anything else fails in Close
		}
	} else {
		if s.peek() != ',' {
			return nil, false
		}
		s.i++
		if s.peek() != '"' {
			o.failed = true
			return nil, false
		}
	}
	k, ok := s.RawText()
	if !ok || s.peek() != ':' {
		o.failed = true
		return nil, false
	}
	s.i++
	return k, true
}

// Key returns the current member's key as it is written, aliasing the
// input (see [Scanner.Key]).
func (o *Object) Key() []byte { return o.key }

// Read records the outcome of reading the current member's value: ok,
// and the key's place in the decoder's table, 0 to 63, or negative for a
// key the decoder checks itself. A value not read, a place seen before or
// a place above 63 stops the walk.
func (o *Object) Read(place int, ok bool) {
	switch {
	case !ok || place > 63:
		o.failed = true
	case place >= 0:
		bit := uint64(1) << uint(place)
		if o.seen&bit != 0 {
			o.failed = true
		}
		o.seen |= bit
	}
}

// Seen reports whether the key at place has been read.
func (o *Object) Seen(place int) bool {
	return place >= 0 && place <= 63 && o.seen&(uint64(1)<<uint(place)) != 0
}

// Close consumes the } that ends the object, and reports whether the walk
// read a well-formed object to its end.
func (o *Object) Close() bool { return !o.failed && o.s.Close() }
