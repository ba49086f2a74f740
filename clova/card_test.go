package clova_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
)

func TestCardRoundTrip(t *testing.T) {
	t.Parallel()
	cards := []clova.Card{
		&clova.TextCard{MainText: "원", HighlightText: "1,320", HighlightIsNumber: true, SubText: "+0.21%",
			ReferenceText: "channelkit", ReferenceURL: "https://example.com/r", BackgroundURL: "https://example.com/bg.png",
			Table: []clova.TableRow{{Item1: "a", Item2: "031-000-0001", Item2Link: "031-000-0001", Item2IsPhone: true},
				{Item1: "b", Item2: "site", Item2Link: "https://example.com", Item3: "c"}}},
		&clova.TextCard{ParagraphText: "문단\n둘째 줄", HighlightText: "강조"},
		&clova.ImageTextCard{MainText: "판교", SubTextList: []string{"a", ""}, ThumbImageURL: "https://example.com/t.jpg",
			ThumbImageType: "책", LinkURL: "https://example.com/m", AppLinkURL: "nmap://map", ImageURL: "https://example.com/i.jpg"},
		&clova.ImageListCard{Images: []clova.ImageListItem{{ImageTitle: "cat", ImageURL: "https://example.com/c.jpg",
			ThumbImageURL: "https://example.com/c_s.jpg", ImageReference: "ref", ReferenceText: "rt", ReferenceURL: "https://example.com/r"}}},
		&clova.ImageListCard{},
		&clova.CardList{SubType: "Type4", Cards: []clova.ListCard{{Title: "t", Description: []string{"d1", "d2"},
			Press: "p", PressIconURL: "https://example.com/p.png", PublishDate: "2026-12-05", LinkURL: "https://example.com/n"}}},
		&clova.CardList{Cards: []clova.ListCard{{Title: "video", VideoURL: "https://example.com/v", ImageURL: "https://example.com/v.jpg"}}},
		rawCard(`{"type":"Popup","displayType":"ALERT","alertText":{"type":"string","value":"!"}}`),
	}
	for _, c := range cards {
		t.Run(c.Type(), func(t *testing.T) {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if got, _, _ := peekType(b); got != c.Type() {
				t.Fatalf("encoded type = %q, want %q: %s", got, c.Type(), b)
			}
			back, err := clova.DecodeCard(b)
			if err != nil {
				t.Fatalf("DecodeCard(%s): %v", b, err)
			}
			if diff := cmp.Diff(c, back); diff != "" {
				t.Errorf("decode(encode(x)) != x (-want +got):\n%s", diff)
			}
		})
	}
}

func rawCard(s string) *clova.RawCard { c := clova.RawCard(s); return &c }

func peekType(b []byte) (string, bool, error) {
	var v struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(b, &v); err != nil || v.Type == nil {
		return "", false, err
	}
	return *v.Type, true, nil
}

// TestDecodeCardTemplates reads templates in the form the content-template
// reference shows, with the fields it fills with "" and the number values.
func TestDecodeCardTemplates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want clova.Card
	}{
		{"text_highlight.json", &clova.TextCard{HighlightText: "1,320", HighlightIsNumber: true, MainText: "원",
			ReferenceText: "channelkit 환율", ReferenceURL: "https://example.com/rates?q=usd", SubText: "+0.21%",
			Table: []clova.TableRow{{}}}},
		{"text_table.json", &clova.TextCard{ReferenceText: "channelkit 검색", Table: []clova.TableRow{
			{Item1: "꽃집 정자점", Item2: "031-000-0001", Item2Link: "031-000-0001", Item2IsPhone: true},
			{Item1: "꽃집 서현점", Item2: "홈페이지", Item2Link: "https://example.com/shop", Item3: "영업 중"}}}},
		{"imagetext.json", &clova.ImageTextCard{MainText: "판교역", ReferenceText: "channelkit 지도",
			ReferenceURL: "https://example.com/map", SubTextList: []string{"신분당선", "경강선"}, ThumbImageType: "인물",
			ThumbImageURL: "https://example.com/thumb.jpg", AppLinkURL: "nmap://map?lat=37.39&lng=127.11",
			LinkURL: "https://example.com/map?lat=37.39"}},
		{"imagelist.json", &clova.ImageListCard{Images: []clova.ImageListItem{
			{ImageTitle: "고양이", ImageURL: "https://example.com/cat.jpg", ReferenceText: "channelkit 이미지",
				ReferenceURL: "https://example.com/images?q=cat", ThumbImageURL: "https://example.com/cat_s.jpg"},
			{ImageTitle: "강아지", ImageURL: "https://example.com/dog.jpg", ThumbImageURL: "https://example.com/dog_s.jpg"}}}},
		{"cardlist_news.json", &clova.CardList{SubType: "Type4", Cards: []clova.ListCard{{
			Description: []string{"채널킷 0.2가 나왔습니다.", ""}, LinkURL: "https://example.com/news/1", Press: "채널킷 뉴스",
			PressIconURL: "https://example.com/press.png", PublishDate: "2026-12-05", Title: "한 봇, 다섯 메신저"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "card", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := clova.DecodeCard(b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeCardKeepsUnknownTemplates(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "card", "other.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := clova.DecodeCard(b)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := c.(*clova.RawCard)
	if !ok || raw.Type() != "WeeklyWeather" {
		t.Fatalf("DecodeCard = %T %v, want a RawCard of type WeeklyWeather", c, c)
	}
	if !bytes.Equal(*raw, bytes.TrimSpace(b)) {
		t.Errorf("a raw card does not keep its exact bytes:\n got %s\nwant %s", *raw, b)
	}
	// encoding/json compacts what a MarshalJSON returns; nothing else changes.
	out, _ := json.Marshal(c)
	var want bytes.Buffer
	_ = json.Compact(&want, b)
	if !bytes.Equal(out, want.Bytes()) {
		t.Errorf("a raw card is not re-sent unchanged:\n got %s\nwant %s", out, want.Bytes())
	}
}

func TestDecodeCardEmptyAndMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "null", "{}", " { } "} {
		if c, err := clova.DecodeCard([]byte(in)); c != nil || err != nil {
			t.Errorf("DecodeCard(%q) = %v, %v; want no card", in, c, err)
		}
	}
	for _, in := range []string{`[]`, `"Text"`, `{"type":"Text","mainText":{"type":"string","value":{}}}`,
		`{"type":7}`, `{"type":"CardList","cardList":{}}`, `{"type":"Popup",`, `{"type":"Text","mainText":"secret-ish"`} {
		_, err := clova.DecodeCard([]byte(in))
		if !errors.Is(err, clova.ErrMalformed) {
			t.Errorf("DecodeCard(%q) err = %v, want ErrMalformed", in, err)
			continue
		}
		if strings.Contains(err.Error(), "secret-ish") {
			t.Errorf("the error quotes the body: %v", err)
		}
	}
}

func TestSetCard(t *testing.T) {
	t.Parallel()
	r := clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, "환율입니다")))
	if err := r.SetCard(&clova.TextCard{HighlightText: "1,320", HighlightIsNumber: true, MainText: "원"}); err != nil {
		t.Fatal(err)
	}
	c, err := r.Response.DecodeCard()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(clova.Card(&clova.TextCard{HighlightText: "1,320", HighlightIsNumber: true, MainText: "원"}), c); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"card":{"type":"Text","mainText":{"type":"string","value":"원"},"highlightText":{"type":"number","value":"1,320"}}`)) {
		t.Errorf("the response does not carry the card: %s", out)
	}
	if err := r.SetCard(nil); err != nil || r.Response.Card != nil {
		t.Errorf("SetCard(nil) = %v, card %s; want it cleared", err, r.Response.Card)
	}
	for _, bad := range []string{``, `[]`, `{"a":1}`, `{"type":""}`, `{"type":"X"`} {
		var ae *clova.ArgumentError
		if err := r.SetCard(rawCard(bad)); !errors.As(err, &ae) {
			t.Errorf("SetCard(raw %q) err = %v, want *ArgumentError", bad, err)
		}
	}
}

func FuzzDecodeCard(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "card", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"Text","highlightText":{"type":"number","value":12.5}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := clova.DecodeCard(b)
		if err != nil {
			if !errors.Is(err, clova.ErrMalformed) {
				t.Fatalf("error without ErrMalformed: %v", err)
			}
			return
		}
		if c == nil {
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("a decoded card does not encode: %v", err)
		}
		back, err := clova.DecodeCard(out)
		if err != nil {
			t.Fatalf("an encoded card does not decode: %v\n%s", err, out)
		}
		if _, raw := c.(*clova.RawCard); !raw {
			if diff := cmp.Diff(c, back); diff != "" {
				t.Fatalf("decode(encode(decode(b))) != decode(b) (-want +got):\n%s", diff)
			}
		}
	})
}

func TestIntentAndEventHelpers(t *testing.T) {
	t.Parallel()
	yes := clovatestIntent(clova.IntentYes)
	if !yes.IsIntent("Clova.YesIntent") || yes.IsIntent(clova.IntentNo) || yes.IsEvent(clova.NamespaceClovaSkill, clova.EventSkillEnabled) {
		t.Error("IsIntent/IsEvent misread an intent request")
	}
	ev := &clova.Request{Request: &clova.EventRequest{Event: clova.Event{Namespace: "ClovaSkill", Name: "SkillEnabled"}}}
	if !ev.IsEvent(clova.NamespaceClovaSkill, clova.EventSkillEnabled) || ev.IsIntent("") {
		t.Error("IsEvent misread an event request")
	}
	var nilReq *clova.Request
	if nilReq.IsIntent(clova.IntentYes) || nilReq.IsEvent("a", "b") {
		t.Error("a nil request matched")
	}
	var p clova.RequestPlayerInfoPayload
	sp := clova.Event{Payload: json.RawMessage(`{"token":"t1","range":{"before":2}}`)}
	if err := sp.DecodePayload(&p); err != nil || p.Token != "t1" || p.Range.Before == nil || *p.Range.Before != 2 || p.Range.After != nil {
		t.Errorf("RequestPlayerInfo payload = %+v, %v", p, err)
	}
}

func clovatestIntent(name string) *clova.Request {
	return &clova.Request{Request: &clova.IntentRequest{Intent: clova.Intent{Name: name}}}
}
