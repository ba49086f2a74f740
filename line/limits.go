package line

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/message"
)

// limits is the one table of LINE's limits (spec: Messaging API reference,
// "Limits" of each object). Client-side validation, the linetest fake and
// [Capabilities] all read it. Lengths count UTF-16 code units, LINE's unit
// for text; LINE counts some labels in grapheme clusters, which are never
// more, so checking in UTF-16 can only be stricter.
var limits = struct {
	messages, multicastTo                                        int
	text, emojis, quickReplies, quickReplyImageURL               int
	label, altText, postbackData, displayText, actionText, uri   int
	clipboard, mediaURL, senderName, senderIconURL               int
	buttonsTitle, buttonsText, buttonsTextWithImage, buttonsActs int
	confirmText, confirmActs                                     int
	columns, columnTitle, columnText, columnTextWithImage        int
	columnActs, flexBubbles, imagemapActions                     int
	locationTitle, locationAddress                               int
}{
	messages: 5, multicastTo: 500,
	text: 5000, emojis: 20, quickReplies: 13, quickReplyImageURL: 2000,
	label: 20, altText: 400, postbackData: 300, displayText: 300, actionText: 300, uri: 1000,
	clipboard: 1000, mediaURL: 2000, senderName: 20, senderIconURL: 2000,
	buttonsTitle: 40, buttonsText: 160, buttonsTextWithImage: 60, buttonsActs: 4,
	confirmText: 240, confirmActs: 2,
	columns: 10, columnTitle: 40, columnText: 120, columnTextWithImage: 60,
	columnActs: 3, flexBubbles: 12, imagemapActions: 50,
	locationTitle: 100, locationAddress: 100,
}

// Capabilities describes what [Render] produces for LINE, from the same
// limits table the client validates against. Cards, carousels and lists
// render as Flex messages, which have no button-count or card-text limit of
// their own.
var Capabilities = message.Capabilities{
	Platform:              message.LINE,
	TextUnit:              message.UTF16,
	MaxTextLen:            limits.text,
	MaxMessagesPerReply:   limits.messages,
	MaxQuickReplies:       limits.quickReplies,
	MaxQuickReplyLabelLen: limits.label,
	MaxButtonLabelLen:     limits.label,
	MaxCarouselCards:      limits.flexBubbles,
	Types: []message.Type{
		message.TypeText, message.TypeImage, message.TypeVideo, message.TypeAudio,
		message.TypeSticker, message.TypeLocation, message.TypeCard, message.TypeCarousel, message.TypeList,
	},
	Actions:      []message.ActionType{message.ActionPostback, message.ActionMessage, message.ActionURL, message.ActionCall},
	QuickReplies: true,
}

func utf16Len(s string) int { return message.UTF16.Len(s) }

// Wire shapes read by the validator: only the fields with limits.
type (
	wMsg struct {
		Type               string            `json:"type"`
		Text               *string           `json:"text"`
		AltText            *string           `json:"altText"`
		Emojis             []json.RawMessage `json:"emojis"`
		OriginalContentURL *string           `json:"originalContentUrl"`
		PreviewImageURL    *string           `json:"previewImageUrl"`
		Title              *string           `json:"title"`
		Address            *string           `json:"address"`
		QuickReply         *struct {
			Items []wQuickReplyItem `json:"items"`
		} `json:"quickReply"`
		Sender *struct {
			Name    string `json:"name"`
			IconURL string `json:"iconUrl"`
		} `json:"sender"`
		Template *wTemplate `json:"template"`
		Contents *struct {
			Type     string            `json:"type"`
			Contents []json.RawMessage `json:"contents"`
		} `json:"contents"`
		Actions []wAction `json:"actions"`
	}
	wQuickReplyItem struct {
		Type     string   `json:"type"`
		ImageURL string   `json:"imageUrl"`
		Action   *wAction `json:"action"`
	}
	wTemplate struct {
		Type              string      `json:"type"`
		Title             string      `json:"title"`
		Text              string      `json:"text"`
		ThumbnailImageURL string      `json:"thumbnailImageUrl"`
		Actions           []wAction   `json:"actions"`
		Columns           []wTemplate `json:"columns"`
		Action            *wAction    `json:"action"`
	}
	wAction struct {
		Type          string `json:"type"`
		Label         string `json:"label"`
		Data          string `json:"data"`
		DisplayText   string `json:"displayText"`
		Text          string `json:"text"`
		URI           string `json:"uri"`
		LinkURI       string `json:"linkUri"`
		ClipboardText string `json:"clipboardText"`
	}
)

type validator struct{ errs []*ValidationError }

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, validationError(path, fmt.Sprintf(format, args...)))
}

func (v *validator) maxLen(path, s string, max int) {
	if n := utf16Len(s); n > max {
		v.add(path, "%d characters exceed %d", n, max)
	}
}

func (v *validator) required(path, s string, max int) {
	if s == "" {
		v.add(path, "must not be empty")
		return
	}
	v.maxLen(path, s, max)
}

func (v *validator) url(path, s string, max int) {
	if s == "" {
		v.add(path, "must not be empty")
		return
	}
	v.maxLen(path, s, max)
	if !strings.HasPrefix(s, "https://") {
		v.add(path, "must be an HTTPS URL")
	}
}

// ValidateMessages checks encoded messages (the "messages" array of a
// reply, push, multicast or broadcast) against LINE's limits and returns
// every violation found: nil, the one [*ValidationError], or
// [ValidationErrors] in document order, each naming the JSON path. Message types it does not know are only checked for a "type"
// and their quick replies.
func ValidateMessages(msgs []json.RawMessage) error {
	var v validator
	switch {
	case len(msgs) == 0:
		v.add("messages", "needs at least one message")
	case len(msgs) > limits.messages:
		v.add("messages", "%d messages exceed %d", len(msgs), limits.messages)
	}
	for i, raw := range msgs {
		v.message(fmt.Sprintf("messages[%d]", i), raw)
	}
	return invalid.Join(v.errs)
}

func (v *validator) message(p string, raw json.RawMessage) {
	var m wMsg
	if err := json.Unmarshal(raw, &m); err != nil {
		v.add(p, "not a message object (%v)", wire.JSONError(err))
		return
	}
	str := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	switch m.Type {
	case "":
		v.add(p+".type", "missing message type")
	case "text", "textV2":
		v.required(p+".text", str(m.Text), limits.text)
		if len(m.Emojis) > limits.emojis {
			v.add(p+".emojis", "%d emojis exceed %d", len(m.Emojis), limits.emojis)
		}
	case "image", "video":
		v.url(p+".originalContentUrl", str(m.OriginalContentURL), limits.mediaURL)
		v.url(p+".previewImageUrl", str(m.PreviewImageURL), limits.mediaURL)
	case "audio":
		v.url(p+".originalContentUrl", str(m.OriginalContentURL), limits.mediaURL)
	case "location":
		v.required(p+".title", str(m.Title), limits.locationTitle)
		v.required(p+".address", str(m.Address), limits.locationAddress)
	case "template":
		v.required(p+".altText", str(m.AltText), limits.altText)
		if m.Template == nil {
			v.add(p+".template", "must not be empty")
		} else {
			v.template(p+".template", m.Template)
		}
	case "flex":
		v.required(p+".altText", str(m.AltText), limits.altText)
		if m.Contents == nil {
			v.add(p+".contents", "must not be empty")
		} else if m.Contents.Type == "carousel" {
			switch n := len(m.Contents.Contents); {
			case n == 0:
				v.add(p+".contents.contents", "needs at least one bubble")
			case n > limits.flexBubbles:
				v.add(p+".contents.contents", "%d bubbles exceed %d", n, limits.flexBubbles)
			}
		}
	case "imagemap":
		v.required(p+".altText", str(m.AltText), limits.altText)
		if len(m.Actions) > limits.imagemapActions {
			v.add(p+".actions", "%d actions exceed %d", len(m.Actions), limits.imagemapActions)
		}
	}
	if m.Sender != nil {
		v.maxLen(p+".sender.name", m.Sender.Name, limits.senderName)
		if m.Sender.IconURL != "" {
			v.url(p+".sender.iconUrl", m.Sender.IconURL, limits.senderIconURL)
		}
	}
	if m.QuickReply != nil {
		items := m.QuickReply.Items
		if len(items) > limits.quickReplies {
			v.add(p+".quickReply.items", "%d items exceed %d", len(items), limits.quickReplies)
		}
		for i, it := range items {
			ip := fmt.Sprintf("%s.quickReply.items[%d]", p, i)
			if it.Type != "action" {
				v.add(ip+".type", "must be \"action\"")
			}
			if it.ImageURL != "" {
				v.url(ip+".imageUrl", it.ImageURL, limits.quickReplyImageURL)
			}
			if it.Action == nil {
				v.add(ip+".action", "must not be empty")
				continue
			}
			v.action(ip+".action", it.Action, true)
			if it.Action.Type == "postback" && it.Action.DisplayText == "" && it.Action.Text == "" {
				v.add(ip+".action.displayText", "a postback quick reply needs a displayText")
			}
		}
	}
}

func (v *validator) template(p string, t *wTemplate) {
	hasImage := t.ThumbnailImageURL != "" || t.Title != ""
	switch t.Type {
	case "buttons":
		v.maxLen(p+".title", t.Title, limits.buttonsTitle)
		if hasImage {
			v.required(p+".text", t.Text, limits.buttonsTextWithImage)
		} else {
			v.required(p+".text", t.Text, limits.buttonsText)
		}
		v.actions(p+".actions", t.Actions, 1, limits.buttonsActs)
	case "confirm":
		v.required(p+".text", t.Text, limits.confirmText)
		v.actions(p+".actions", t.Actions, limits.confirmActs, limits.confirmActs)
	case "carousel":
		v.columns(p, t.Columns)
		for i := range t.Columns {
			c := &t.Columns[i]
			cp := fmt.Sprintf("%s.columns[%d]", p, i)
			v.maxLen(cp+".title", c.Title, limits.columnTitle)
			if c.ThumbnailImageURL != "" || c.Title != "" {
				v.required(cp+".text", c.Text, limits.columnTextWithImage)
			} else {
				v.required(cp+".text", c.Text, limits.columnText)
			}
			v.actions(cp+".actions", c.Actions, 1, limits.columnActs)
			if i > 0 && len(c.Actions) != len(t.Columns[0].Actions) {
				v.add(cp+".actions", "every column must have the same number of actions")
			}
		}
	case "image_carousel":
		v.columns(p, t.Columns)
		for i := range t.Columns {
			if a := t.Columns[i].Action; a != nil {
				v.action(fmt.Sprintf("%s.columns[%d].action", p, i), a, false)
			}
		}
	case "":
		v.add(p+".type", "missing template type")
	}
}

func (v *validator) columns(p string, cols []wTemplate) {
	switch {
	case len(cols) == 0:
		v.add(p+".columns", "needs at least one column")
	case len(cols) > limits.columns:
		v.add(p+".columns", "%d columns exceed %d", len(cols), limits.columns)
	}
}

func (v *validator) actions(p string, as []wAction, min, max int) {
	switch {
	case len(as) < min:
		v.add(p, "needs at least %d actions", min)
	case len(as) > max:
		v.add(p, "%d actions exceed %d", len(as), max)
	}
	for i := range as {
		v.action(fmt.Sprintf("%s[%d]", p, i), &as[i], false)
	}
}

func (v *validator) action(p string, a *wAction, quickReply bool) {
	v.maxLen(p+".label", a.Label, limits.label)
	if quickReply && a.Label == "" {
		v.add(p+".label", "a quick reply needs a label")
	}
	switch a.Type {
	case "":
		v.add(p+".type", "missing action type")
	case "postback":
		v.required(p+".data", a.Data, limits.postbackData)
		v.maxLen(p+".displayText", a.DisplayText, limits.displayText)
		v.maxLen(p+".text", a.Text, limits.displayText)
	case "message":
		v.required(p+".text", a.Text, limits.actionText)
	case "uri":
		v.required(p+".uri", a.URI, limits.uri)
		if a.URI != "" && !hasScheme(a.URI, "http://", "https://", "tel:", "line://", "liff://") {
			v.add(p+".uri", "must start with http, https, tel or line")
		}
	case "clipboard":
		v.required(p+".clipboardText", a.ClipboardText, limits.clipboard)
	case "camera", "cameraRoll", "location":
		if !quickReply {
			v.add(p+".type", "%s actions are for quick replies only", a.Type)
		}
	case "richmenuswitch":
		if quickReply {
			v.add(p+".type", "rich menu switch actions are not allowed in quick replies")
		}
	}
}

func hasScheme(s string, schemes ...string) bool {
	l := strings.ToLower(s)
	for _, p := range schemes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}
