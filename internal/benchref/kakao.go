package benchref

import (
	"encoding/json"
	"io"
	"net/http"
)

// kakaoBlock is a block reference in a skill payload.
type kakaoBlock struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// kakaoFull is every documented field of a skill payload, as a stdlib
// skill server that reads them all would declare it.
type kakaoFull struct {
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
		Block     kakaoBlock        `json:"block"`
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

// kakaoMinimal is the few fields an echo skill reads.
type kakaoMinimal struct {
	UserRequest struct {
		Utterance string `json:"utterance"`
		User      struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"userRequest"`
	Bot struct {
		ID string `json:"id"`
	} `json:"bot"`
}

// kakaoAnswer is the references' fixed simpleText response.
var kakaoAnswer = []byte(`{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"hello"}}]}}`)

// Kakao is the Kakao skill server reference, the design budget's: POST
// only (405 otherwise), a bounded read, json.Unmarshal into a struct of
// every documented field of a skill payload (400 when it fails), then a
// fixed simpleText response. Kakao signs nothing, so there is no check.
func Kakao() http.Handler { return kakaoHandler(func() any { return new(kakaoFull) }) }

// KakaoMinimal is Kakao decoding only the fields an echo skill reads.
func KakaoMinimal() http.Handler { return kakaoHandler(func() any { return new(kakaoMinimal) }) }

func kakaoHandler(payload func() any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		if err := json.Unmarshal(body, payload()); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(kakaoAnswer)
	})
}
