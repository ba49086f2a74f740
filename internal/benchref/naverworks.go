package benchref

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// naverworksEvent is every documented field of a callback.
type naverworksEvent struct {
	Type   string `json:"type"`
	Source struct {
		UserID    string `json:"userId"`
		ChannelID string `json:"channelId"`
		DomainID  int64  `json:"domainId"`
	} `json:"source"`
	IssuedTime time.Time `json:"issuedTime"`
	Content    struct {
		Type      string  `json:"type"`
		Text      string  `json:"text"`
		Postback  string  `json:"postback"`
		Address   string  `json:"address"`
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		PackageID string  `json:"packageId"`
		StickerID string  `json:"stickerId"`
		FileID    string  `json:"fileId"`
	} `json:"content"`
	Data    string   `json:"data"`
	Members []string `json:"members"`
}

// NaverWorks is the NAVER WORKS callback reference, the design budget's
// (DESIGN.md §8): the same checks as the handler (POST, else 405;
// X-WORKS-BotId equal to botID, else 403; a bounded read; the base64
// HMAC-SHA256 of the body under secret equal to X-WORKS-Signature, else
// 401), json.Unmarshal into a struct of every documented callback field
// (400 when it fails), then an empty 200.
func NaverWorks(secret []byte, botID string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if r.Header.Get("X-WORKS-BotId") != botID {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		m := hmac.New(sha256.New, secret)
		m.Write(body)
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-WORKS-Signature"))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev naverworksEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
