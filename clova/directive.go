package clova

import (
	"encoding/json"
	"fmt"

	"github.com/channelkit/channelkit/internal/uuid"
	"github.com/channelkit/channelkit/internal/wire"
)

// Directive is a command to the client. Payload is raw JSON, so any
// directive can be sent, including ones this package has no builder for.
type Directive struct {
	Header  DirectiveHeader `json:"header"`
	Payload json.RawMessage `json:"payload"`
}

// DirectiveHeader names a directive.
type DirectiveHeader struct {
	// MessageID is a UUID; the builders set a fresh one.
	MessageID       string `json:"messageId"`
	Namespace       string `json:"namespace"`
	Name            string `json:"name"`
	DialogRequestID string `json:"dialogRequestId,omitempty"`
}

// MarshalJSON writes a nil payload as {}.
func (d Directive) MarshalJSON() ([]byte, error) {
	type plain Directive
	p := plain(d)
	if wire.IsNull(p.Payload) {
		p.Payload = emptyObject
	}
	return json.Marshal(p)
}

// NewDirective builds a directive with a fresh message ID and payload
// encoded from v.
func NewDirective(namespace, name string, payload any) (Directive, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return Directive{}, fmt.Errorf("clova: encoding %s.%s payload: %w", namespace, name, err)
	}
	return Directive{Header: DirectiveHeader{MessageID: uuid.New(), Namespace: namespace, Name: name}, Payload: b}, nil
}

func mustDirective(namespace, name string, payload any) Directive {
	d, err := NewDirective(namespace, name, payload)
	if err != nil {
		// Only this package's own payload types reach here; they always
		// encode.
		panic(err)
	}
	return d
}

// PlayBehavior says how AudioPlayer.Play treats the queue.
type PlayBehavior string

// The play behaviours.
const (
	ReplaceAll PlayBehavior = "REPLACE_ALL"
	Enqueue    PlayBehavior = "ENQUEUE"
)

// AudioPlayPayload is the AudioPlayer.Play payload.
type AudioPlayPayload struct {
	AudioItem    AudioItem    `json:"audioItem"`
	PlayBehavior PlayBehavior `json:"playBehavior"`
	Source       AudioSource  `json:"source"`
}

// AudioItem is the item AudioPlayer.Play plays.
type AudioItem struct {
	AudioItemID   string          `json:"audioItemId"`
	Stream        AudioStreamInfo `json:"stream"`
	TitleText     string          `json:"titleText"`
	TitleSubText1 string          `json:"titleSubText1"`
	TitleSubText2 string          `json:"titleSubText2,omitempty"`
	ArtImageURL   string          `json:"artImageUrl,omitempty"`
	HeaderText    string          `json:"headerText,omitempty"`
}

// AudioSource credits the content provider.
type AudioSource struct {
	Name    string `json:"name"`
	LogoURL string `json:"logoUrl,omitempty"`
}

// AudioPlay returns an AudioPlayer.Play directive.
func AudioPlay(p AudioPlayPayload) Directive { return mustDirective("AudioPlayer", "Play", p) }

// StreamDeliver answers an AudioPlayer.StreamRequested event with the
// playable stream.
func StreamDeliver(audioItemID string, stream AudioStreamInfo) Directive {
	return mustDirective("AudioPlayer", "StreamDeliver", StreamRequestedPayload{AudioItemID: audioItemID, AudioStream: stream})
}

// PlaybackPause returns a PlaybackController.Pause directive.
func PlaybackPause() Directive { return mustDirective(NamespacePlaybackControl, "Pause", struct{}{}) }

// PlaybackResume returns a PlaybackController.Resume directive.
func PlaybackResume() Directive { return mustDirective(NamespacePlaybackControl, "Resume", struct{}{}) }

// PlaybackStop returns a PlaybackController.Stop directive.
func PlaybackStop() Directive { return mustDirective(NamespacePlaybackControl, "Stop", struct{}{}) }
