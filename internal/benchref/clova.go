package benchref

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
)

// clovaFull is every documented field of a CEK request, decoded the way
// clova keeps them (slot values, session attributes and event payloads
// raw).
type clovaFull struct {
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

func (p *clovaFull) fields() (version, appID, intent string) {
	if a := p.Context.System.Application; a != nil {
		appID = a.ApplicationID
	}
	if in := p.Request.Intent; in != nil {
		intent = in.Name
	}
	return p.Version, appID, intent
}

// clovaMinimal is what an answer needs.
type clovaMinimal struct {
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

func (p *clovaMinimal) fields() (version, appID, intent string) {
	return p.Version, p.Context.System.Application.ApplicationID, p.Request.Intent.Name
}

// cekPayload is a decoded CEK request: what the answer is built from.
type cekPayload interface {
	fields() (version, appID, intent string)
}

// Clova is the CLOVA (CEK) reference, the design budget's: a bounded
// read, the RSA-SHA256 (PKCS #1 v1.5) signature in SignatureCEK verified
// with pub (401 when it is missing, malformed or wrong), json.Unmarshal
// into a struct of every documented field of a CEK request (400 when it
// fails), the application ID equal to appID (403 otherwise), then a JSON
// answer of the request's version with a PlainText SimpleSpeech of the
// intent's name, an empty card and directives, ending the session. Like
// clova's handler it accepts any method.
func Clova(pub *rsa.PublicKey, appID string) http.Handler {
	return clovaHandler(pub, appID, func() cekPayload { return new(clovaFull) })
}

// ClovaMinimal is Clova decoding only what the answer needs.
func ClovaMinimal(pub *rsa.PublicKey, appID string) http.Handler {
	return clovaHandler(pub, appID, func() cekPayload { return new(clovaMinimal) })
}

func clovaHandler(pub *rsa.PublicKey, appID string, payload func() cekPayload) http.Handler {
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
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
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
