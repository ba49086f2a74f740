package botset

import (
	"strconv"

	"github.com/channelkit/channelkit/internal/invalid"
)

// Index checks the bots a platform package's StaticBots is given and
// indexes them by ID, so that the five packages refuse the same things in
// the same words: a nil bot (at "bots[i]"), an empty ID, one longer than
// [MaxIDLen] or one an earlier bot has (at "bots[i].ID"). check, when
// not nil, adds the package's own problems of a bot that is not nil (a
// missing credential) under at, "bots[i]". A bot is indexed only when its
// ID is fine; the caller returns the errors, if any, with invalid.Join.
func Index[T any](pkg string, bots []*T, id func(*T) string, check func(b *T, at string) []*invalid.ValidationError) (map[string]*T, []*invalid.ValidationError) {
	set := make(map[string]*T, len(bots))
	first := make(map[string]int, len(bots))
	var errs []*invalid.ValidationError
	for i, b := range bots {
		at := "bots[" + strconv.Itoa(i) + "]"
		if b == nil {
			errs = append(errs, invalid.New(pkg, at, "nil bot"))
			continue
		}
		switch bid := id(b); {
		case bid == "":
			errs = append(errs, invalid.New(pkg, at+".ID", "missing bot ID"))
		case len(bid) > MaxIDLen:
			errs = append(errs, invalid.New(pkg, at+".ID", "longer than "+strconv.Itoa(MaxIDLen)+" bytes"))
		default:
			if j, dup := first[bid]; dup {
				errs = append(errs, invalid.New(pkg, at+".ID", "the same ID as bots["+strconv.Itoa(j)+"]"))
				break
			}
			first[bid] = i
			set[bid] = b
		}
		if check != nil {
			errs = append(errs, check(b, at)...)
		}
	}
	return set, errs
}
