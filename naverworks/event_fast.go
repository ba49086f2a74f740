package naverworks

import "github.com/channelkit/channelkit/internal/wire"

// A hand-written decoder for the callbacks NAVER WORKS sends: a flat
// object of type, source, issuedTime, content, data and members, with the
// content's documented fields. It fills exactly the wireMessage that
// encoding/json fills from the same bytes — TestFastDecoding and
// FuzzFastDecoding hold it to that — and gives up on anything outside a
// strict subset of JSON: a key it does not know or sees twice (encoding/json
// matches keys in any case and keeps the last of repeated ones), a string
// with a \u escape or invalid UTF-8, a null, a value of another JSON type.
// Such bodies go through encoding/json, which also decides what is
// malformed. [wire.Scanner] reads the subset.

// wireMessage is what the fast decoder fills: wireEvent with the content
// decoded.
type wireMessage struct {
	Type       string      `json:"type"`
	Source     wireSource  `json:"source"`
	IssuedTime string      `json:"issuedTime"`
	Content    wireContent `json:"content"`
	Data       string      `json:"data"`
	Members    []string    `json:"members"`
}

// decodeFast decodes body, or reports false.
func decodeFast(body []byte) (wireMessage, bool) {
	var m wireMessage
	s := wire.NewScanner(body)
	if !s.Open() {
		return m, false
	}
	var seen [6]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return wireMessage{}, false
		}
		var i int
		switch string(k) {
		case "type":
			m.Type, ok = s.Text()
		case "source":
			i = 1
			ok = fastSource(&s, &m.Source)
		case "issuedTime":
			i = 2
			m.IssuedTime, ok = s.Text()
		case "content":
			i = 3
			ok = fastContent(&s, &m.Content)
		case "data":
			i = 4
			m.Data, ok = s.Text()
		case "members":
			i = 5
			m.Members, ok = s.Strings()
		default:
			return wireMessage{}, false
		}
		if !ok || seen[i] {
			return wireMessage{}, false
		}
		seen[i] = true
	}
	if !s.Close() || !s.End() {
		return wireMessage{}, false
	}
	return m, true
}

// fastSource reads the source object.
func fastSource(s *wire.Scanner, src *wireSource) bool {
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
		case "userId":
			src.UserID, ok = s.Text()
		case "channelId":
			i = 1
			src.ChannelID, ok = s.Text()
		case "domainId":
			i = 2
			var raw []byte
			raw, ok = s.Scalar()
			src.DomainID = rawJSON(raw)
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

// fastContent reads the content object.
func fastContent(s *wire.Scanner, c *wireContent) bool {
	if !s.Open() {
		return false
	}
	var seen [11]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "type":
			c.Type, ok = s.Text()
		case "text":
			i = 1
			c.Text, ok = s.Text()
		case "postback":
			i = 2
			c.Postback, ok = s.Text()
		case "title":
			i = 3
			c.Title, ok = s.Text()
		case "address":
			i = 4
			c.Address, ok = s.Text()
		case "latitude":
			i = 5
			c.Latitude, ok = s.Float64()
		case "longitude":
			i = 6
			c.Longitude, ok = s.Float64()
		case "packageId":
			i = 7
			c.PackageID, ok = s.Text()
		case "stickerId":
			i = 8
			c.StickerID, ok = s.Text()
		case "fileId":
			i = 9
			c.FileID, ok = s.Text()
		case "fileName":
			i = 10
			c.FileName, ok = s.Text()
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
