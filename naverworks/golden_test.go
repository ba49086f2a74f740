package naverworks_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/naverworks"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

var qr = &naverworks.QuickReply{Items: []naverworks.QuickReplyItem{
	{ImageURL: "https://example.com/yes.png", Action: &naverworks.PostbackAction{Label: "Yes", Data: "answer=yes", DisplayText: "Yes"}},
	{Action: &naverworks.MessageAction{Label: "No", Text: "no"}},
	{Action: &naverworks.CameraAction{Label: "Camera"}},
	{Action: &naverworks.CameraRollAction{Label: "Album"}},
	{Action: &naverworks.LocationAction{Label: "Here"}},
}}

// goldenContents has one value of every outbound content type; each must
// pass Validate and encode exactly as testdata/golden/<name>.json.
var goldenContents = map[string]naverworks.Content{
	"text":       &naverworks.Text{Text: "안녕하세요", I18nTexts: []naverworks.I18nText{{Language: naverworks.English, Text: "Hello"}}, QuickReply: qr},
	"image_url":  &naverworks.Image{PreviewImageURL: "https://example.com/p.png", OriginalContentURL: "https://example.com/o.png"},
	"image_file": &naverworks.Image{FileID: "WAAAQPwBexX2HnseNvvM9Zyhvp2kIRF3Ul7L7/aMVti8="},
	"file":       &naverworks.File{OriginalContentURL: "https://example.com/report.pdf"},
	"audio":      &naverworks.Audio{FileID: "audio-file-id"},
	"video":      &naverworks.Video{PreviewImageURL: "https://example.com/v.png", OriginalContentURL: "https://example.com/v.mp4"},
	"link": &naverworks.Link{ContentText: "공지", LinkText: "자세히", Link: "https://example.com/notice",
		I18nContentTexts: []naverworks.I18nContentText{{Language: naverworks.Japanese, ContentText: "お知らせ"}},
		I18nLinkTexts:    []naverworks.I18nLinkText{{Language: naverworks.Japanese, LinkText: "詳細"}}},
	"sticker":  &naverworks.Sticker{PackageID: "1", StickerID: "2"},
	"location": &naverworks.Location{Title: "NAVER 1784", Address: "경기도 성남시 분당구 정자일로 95", Latitude: 37.3595704, Longitude: 127.105399},
	"button_template": &naverworks.ButtonTemplate{ContentText: "무엇을 할까요?", Actions: []naverworks.Action{
		&naverworks.MessageAction{Label: "Help", Text: "help", Postback: "cmd=help", I18nLabels: []naverworks.I18nLabel{{Language: naverworks.Korean, Label: "도움말"}}},
		&naverworks.URIAction{Label: "Site", URI: "https://example.com"},
		&naverworks.CopyAction{Label: "Copy", CopyText: "ABC-123"},
	}},
	"list_template": &naverworks.ListTemplate{
		CoverData: &naverworks.ListCover{BackgroundImageURL: "https://example.com/cover.png", Title: "메뉴", Subtitle: "오늘"},
		Elements: []naverworks.ListElement{
			{Title: "아메리카노", Subtitle: "4,000원", OriginalContentURL: "https://example.com/1.png", Action: &naverworks.MessageAction{Label: "Order", Text: "americano"}},
			{Title: "라떼", Subtitle: "4,500원"},
		},
		Actions: [][]naverworks.Action{{&naverworks.MessageAction{Label: "More", Text: "more"}}},
	},
	"carousel": &naverworks.Carousel{ImageAspectRatio: naverworks.AspectSquare, ImageSize: naverworks.SizeContain, Columns: []naverworks.CarouselColumn{
		{OriginalContentURL: "https://example.com/a.png", Title: "A", Text: "first", DefaultAction: &naverworks.URIAction{Label: "Open", URI: "https://example.com/a"},
			Actions: []naverworks.Action{&naverworks.PostbackAction{Label: "Pick", Data: "pick=a", DisplayText: "A please"}}},
		{FileID: "file-b", Title: "B", Text: "second", Actions: []naverworks.Action{&naverworks.PostbackAction{Label: "Pick", Data: "pick=b"}}},
	}},
	"image_carousel": &naverworks.ImageCarousel{Columns: []naverworks.ImageColumn{
		{OriginalContentURL: "https://example.com/1.png", Action: &naverworks.PostbackAction{Label: "One", Data: "img=1"}},
		{FileID: "file-2"},
	}},
	"flex": &naverworks.Flex{AltText: "receipt", I18nAltText: []naverworks.I18nAltText{{Language: naverworks.Korean, AltText: "영수증"}},
		Contents: json.RawMessage(`{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Total 4,000"}]}}`)},
	"raw": &naverworks.RawContent{JSON: json.RawMessage(`{"type":"text","text":"raw","futureField":true}`)},
}

func TestGoldenContent(t *testing.T) {
	t.Parallel()
	for name, c := range goldenContents {
		t.Run(name, func(t *testing.T) {
			if err := naverworks.Validate(c); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, err := json.MarshalIndent(map[string]naverworks.Content{"content": c}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s differs (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
			}
		})
	}
}
