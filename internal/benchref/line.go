package benchref

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
)

// lineFull is every documented field of the benchmarks' LINE callbacks
// (text message events from a user), as line.Decode reads them.
type lineFull struct {
	Destination string `json:"destination"`
	Events      []struct {
		Type            string `json:"type"`
		Mode            string `json:"mode"`
		Timestamp       int64  `json:"timestamp"`
		WebhookEventID  string `json:"webhookEventId"`
		DeliveryContext struct {
			IsRedelivery bool `json:"isRedelivery"`
		} `json:"deliveryContext"`
		Source struct {
			Type    string `json:"type"`
			UserID  string `json:"userId"`
			GroupID string `json:"groupId"`
			RoomID  string `json:"roomId"`
		} `json:"source"`
		ReplyToken string `json:"replyToken"`
		Message    struct {
			Type            string `json:"type"`
			ID              string `json:"id"`
			Text            string `json:"text"`
			QuoteToken      string `json:"quoteToken"`
			QuotedMessageID string `json:"quotedMessageId"`
			Emojis          []struct {
				Index     int    `json:"index"`
				Length    int    `json:"length"`
				ProductID string `json:"productId"`
				EmojiID   string `json:"emojiId"`
			} `json:"emojis"`
			Mention *struct {
				Mentionees []struct {
					Index  int    `json:"index"`
					Length int    `json:"length"`
					Type   string `json:"type"`
					UserID string `json:"userId"`
					IsSelf bool   `json:"isSelf"`
				} `json:"mentionees"`
			} `json:"mention"`
		} `json:"message"`
	} `json:"events"`
}

// lineMinimal is the few fields an echo bot reads.
type lineMinimal struct {
	Destination string `json:"destination"`
	Events      []struct {
		Type       string `json:"type"`
		ReplyToken string `json:"replyToken"`
		Message    struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"message"`
	} `json:"events"`
}

// LINE is the LINE webhook reference, the design budget's: a bounded
// read, the HMAC-SHA256 of the body under secret checked against
// X-Line-Signature (401 when it is missing, malformed or wrong),
// json.Unmarshal into a struct of every documented field of a text
// message callback (400 when it fails), then an empty 200. Like LINE's
// handler it accepts any method.
func LINE(secret string) http.Handler {
	return lineHandler(secret, func() any { return new(lineFull) })
}

// LINEMinimal is LINE decoding only the fields an echo bot reads.
func LINEMinimal(secret string) http.Handler {
	return lineHandler(secret, func() any { return new(lineMinimal) })
}

func lineHandler(secret string, payload func() any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Line-Signature"))
		if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := json.Unmarshal(body, payload()); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
