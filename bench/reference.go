package main

// The stdlib reference handlers for Kakao, TalkTalk, NAVER WORKS and CLOVA:
// each does what the platform's handler does (bounded read, the same
// signature or sender check, json.Unmarshal into a struct of every field
// the platform documents) and answers a fixed reply. They are the
// references of the packages' own benchmarks (<pkg>/bench_test.go).

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

// kakaoBlock is a kakaoBlock reference in the reference handlers' payload.
type kakaoBlock struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// kakaoPayload is every documented field of a skill payload, as a stdlib
// skill server that reads them all would declare it.
type kakaoPayload struct {
	Intent struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Extra struct {
			Reason struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"reason"`
			Knowledge struct {
				ResponseType      string `json:"responseType"`
				MatchedKnowledges []struct {
					Answer     string   `json:"answer"`
					Question   string   `json:"question"`
					Categories []string `json:"categories"`
					LandingURL string   `json:"landingUrl"`
					ImageURL   string   `json:"imageUrl"`
				} `json:"matchedKnowledges"`
			} `json:"knowledge"`
		} `json:"extra"`
	} `json:"intent"`
	UserRequest struct {
		Timezone  string            `json:"timezone"`
		Params    map[string]string `json:"params"`
		Block     kakaoBlock        `json:"kakaoBlock"`
		Utterance string            `json:"utterance"`
		Lang      string            `json:"lang"`
		User      struct {
			ID         string `json:"id"`
			Type       string `json:"type"`
			Properties struct {
				PlusfriendUserKey string `json:"plusfriendUserKey"`
				AppUserID         string `json:"appUserId"`
				IsFriend          bool   `json:"isFriend"`
				BotUserKey        string `json:"botUserKey"`
			} `json:"properties"`
		} `json:"user"`
		CallbackURL string `json:"callbackUrl"`
	} `json:"userRequest"`
	Bot    kakaoBlock `json:"bot"`
	Action struct {
		ID           string            `json:"id"`
		Name         string            `json:"name"`
		Params       map[string]string `json:"params"`
		DetailParams map[string]struct {
			Origin    string `json:"origin"`
			Value     string `json:"value"`
			GroupName string `json:"groupName"`
		} `json:"detailParams"`
		ClientExtra map[string]any `json:"clientExtra"`
	} `json:"action"`
	Contexts []map[string]any `json:"contexts"`
	Flow     struct {
		LastBlock kakaoBlock `json:"lastBlock"`
		Trigger   struct {
			Type          string     `json:"type"`
			ReferrerBlock kakaoBlock `json:"referrerBlock"`
		} `json:"trigger"`
	} `json:"flow"`
}

// kakaoReference answers a fixed simpleText response.
func kakaoReference() http.Handler {
	fixed := []byte(`{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"hello"}}]}}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		if err := json.Unmarshal(body, new(kakaoPayload)); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(fixed)
	})
}

// talktalkAllow is the reference handler's allow-list: the benchmark
// client's loopback address and TalkTalk's first range.
var talktalkAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("211.249.40.0/27")}

// talktalkEvent is every documented field of a send event, as a stdlib
// handler would decode it.
type talktalkEvent struct {
	Event       string      `json:"event"`
	User        string      `json:"user"`
	Partner     string      `json:"partner"`
	Standby     bool        `json:"standby"`
	MessageID   json.Number `json:"messageId"`
	TextContent *struct {
		Text       string          `json:"text"`
		Code       string          `json:"code"`
		InputType  string          `json:"inputType"`
		QuickReply json.RawMessage `json:"quickReply"`
	} `json:"textContent"`
	ImageContent *struct {
		ImageURL string `json:"imageUrl"`
		ImageID  string `json:"imageId"`
	} `json:"imageContent"`
	CompositeContent json.RawMessage `json:"compositeContent"`
	Options          struct {
		Notification bool            `json:"notification"`
		Mobile       *bool           `json:"mobile"`
		NoReflectBot *bool           `json:"noReflectBot"`
		Product      json.RawMessage `json:"product"`
	} `json:"options"`
}

// talktalkReference is the stdlib webhook handler the budget is measured
// against: the same checks as the handler (POST, the sender's address on
// the allow-list), a bounded read, json.Unmarshal into a struct of every
// documented field of the event, and an empty 200.
func talktalkReference(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !slices.ContainsFunc(talktalkAllow, func(p netip.Prefix) bool { return p.Contains(addr) }) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	var ev talktalkEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event == "" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// naverworksReference is the stdlib handler the budget compares against
// (DESIGN.md §8): the same checks (POST, the bot ID, a bounded read, the
// HMAC) and json.Unmarshal into a struct of every documented callback
// field, then 200.
func naverworksReference(secret []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if r.Header.Get("X-WORKS-BotId") != naverworkstest.BotID {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
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
		var ev struct {
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
		if err := json.Unmarshal(body, &ev); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// clovaPayload is every documented field of a CEK request.
type clovaPayload struct {
	Version string `json:"version"`
	Session *struct {
		New               bool            `json:"new"`
		SessionAttributes json.RawMessage `json:"sessionAttributes"`
		SessionID         string          `json:"sessionId"`
		User              *cekUser        `json:"user"`
	} `json:"session"`
	Context struct {
		AudioPlayer *struct {
			OffsetInMilliseconds *int64          `json:"offsetInMilliseconds"`
			PlayerActivity       string          `json:"playerActivity"`
			RepeatMode           string          `json:"repeatMode"`
			Stream               json.RawMessage `json:"stream"`
			Token                string          `json:"token"`
			TotalInMilliseconds  *int64          `json:"totalInMilliseconds"`
		} `json:"AudioPlayer"`
		System struct {
			Application *struct {
				ApplicationID string `json:"applicationId"`
			} `json:"application"`
			Device struct {
				DeviceID string `json:"deviceId"`
				Display  *struct {
					Size         string `json:"size"`
					Orientation  string `json:"orientation"`
					DPI          int    `json:"dpi"`
					ContentLayer *struct {
						Width  int `json:"width"`
						Height int `json:"height"`
					} `json:"contentLayer"`
				} `json:"display"`
			} `json:"device"`
			User *cekUser `json:"user"`
		} `json:"System"`
	} `json:"context"`
	Request struct {
		Type        string `json:"type"`
		RequestID   string `json:"requestId"`
		Timestamp   string `json:"timestamp"`
		Locale      string `json:"locale"`
		ExtensionID string `json:"extensionId"`
		Intent      *struct {
			Name  string `json:"name"`
			Slots map[string]struct {
				Name      string          `json:"name"`
				Value     json.RawMessage `json:"value"`
				ValueType string          `json:"valueType"`
				Unit      string          `json:"unit"`
			} `json:"slots"`
		} `json:"intent"`
		Event *struct {
			Namespace string          `json:"namespace"`
			Name      string          `json:"name"`
			Payload   json.RawMessage `json:"payload"`
		} `json:"event"`
	} `json:"request"`
}

type cekUser struct {
	UserID      string `json:"userId"`
	AccessToken string `json:"accessToken"`
}

func (p *clovaPayload) fields() (version, appID, intent string) {
	if a := p.Context.System.Application; a != nil {
		appID = a.ApplicationID
	}
	if in := p.Request.Intent; in != nil {
		intent = in.Name
	}
	return p.Version, appID, intent
}

// clovaMinimalPayload is what an answer needs.
type clovaMinimalPayload struct {
	Version string `json:"version"`
	Context struct {
		System struct {
			Application struct {
				ApplicationID string `json:"applicationId"`
			} `json:"application"`
		} `json:"System"`
	} `json:"context"`
	Request struct {
		Type   string `json:"type"`
		Intent struct {
			Name string `json:"name"`
		} `json:"intent"`
	} `json:"request"`
}

func (p *clovaMinimalPayload) fields() (version, appID, intent string) {
	return p.Version, p.Context.System.Application.ApplicationID, p.Request.Intent.Name
}

type cekPayload interface {
	fields() (version, appID, intent string)
}

// referenceHandler is the design budget's reference: every documented
// field decoded.
func clovaReference(pub *rsa.PublicKey, appID string, payload func() cekPayload) http.Handler {
	type speech struct {
		Type   string `json:"type"`
		Values struct {
			Type  string `json:"type"`
			Lang  string `json:"lang"`
			Value string `json:"value"`
		} `json:"values"`
	}
	type answer struct {
		Version           string   `json:"version"`
		SessionAttributes struct{} `json:"sessionAttributes"`
		Response          struct {
			OutputSpeech     speech     `json:"outputSpeech"`
			Card             struct{}   `json:"card"`
			Directives       []struct{} `json:"directives"`
			ShouldEndSession bool       `json:"shouldEndSession"`
		} `json:"response"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("SignatureCEK"))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		sum := sha256.Sum256(body)
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		m := payload()
		if json.Unmarshal(body, m) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		version, app, intent := m.fields()
		if app != appID {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		var resp answer
		resp.Version = version
		resp.SessionAttributes = struct{}{}
		resp.Response.Card = struct{}{}
		resp.Response.Directives = []struct{}{}
		resp.Response.ShouldEndSession = true
		s := &resp.Response.OutputSpeech
		s.Type, s.Values.Type, s.Values.Lang, s.Values.Value = "SimpleSpeech", "PlainText", "en", intent
		out, _ := json.Marshal(&resp)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(out)
	})
}
