package clova

// Built-in intents: CLOVA recognises these in every custom extension's
// interaction model, and sends them as an [IntentRequest] with this name.
// The list is the one CEK's guide names; an extension sees only the
// built-in intents its interaction model enables.
const (
	// IntentGuide: the user asks what the extension can do ("도움말").
	IntentGuide = "Clova.GuideIntent"
	// IntentCancel: the user cancels what is going on ("취소").
	IntentCancel = "Clova.CancelIntent"
	// IntentYes: the user agrees ("응", "네").
	IntentYes = "Clova.YesIntent"
	// IntentNo: the user declines ("아니").
	IntentNo = "Clova.NoIntent"
	// IntentStop: the user stops playback or the dialogue ("그만").
	IntentStop = "Clova.StopIntent"
	// IntentPause: the user pauses playback.
	IntentPause = "Clova.PauseIntent"
	// IntentResume: the user resumes playback.
	IntentResume = "Clova.ResumeIntent"
	// IntentNext: the user asks for the next item or track.
	IntentNext = "Clova.NextIntent"
	// IntentPrevious: the user asks for the previous item or track.
	IntentPrevious = "Clova.PreviousIntent"
	// IntentRequestAlternatives: the user asks for something else ("다른 거").
	IntentRequestAlternatives = "Clova.RequestAlternativesIntent"
)

// Event names of the namespaces CEK sends to custom extensions, for
// [Event.Is] (for example ev.Is(NamespaceClovaSkill, EventSkillEnabled)).
const (
	// ClovaSkill: the user enabled or disabled the extension (payload null).
	// Create and delete per-user data here.
	EventSkillEnabled  = "SkillEnabled"
	EventSkillDisabled = "SkillDisabled"

	// AudioPlayer: the client's playback reports, with an
	// [AudioPlayerEventPayload]; StreamRequested has a
	// [StreamRequestedPayload] and wants an AudioPlayer.StreamDeliver
	// directive in the answer.
	EventPlayStarted                  = "PlayStarted"
	EventPlayPaused                   = "PlayPaused"
	EventPlayResumed                  = "PlayResumed"
	EventPlayStopped                  = "PlayStopped"
	EventPlayFinished                 = "PlayFinished"
	EventProgressReportDelayPassed    = "ProgressReportDelayPassed"
	EventProgressReportIntervalPassed = "ProgressReportIntervalPassed"
	EventProgressReportPositionPassed = "ProgressReportPositionPassed"
	EventStreamRequested              = "StreamRequested"

	// SpeechSynthesizer: sent only for speech the extension gave a token
	// ([SpeechInfo].Token); the payload is {"token": …}.
	EventSpeechStarted  = "SpeechStarted"
	EventSpeechFinished = "SpeechFinished"
	EventSpeechStopped  = "SpeechStopped"

	// TemplateRuntime: the client asks for player information around a
	// token; answer with a TemplateRuntime.RenderPlayerInfo directive.
	EventRequestPlayerInfo = "RequestPlayerInfo"
)

// IsIntent reports whether req is an IntentRequest for the intent name
// (one of the Intent… constants, or an intent of the extension's own
// model).
func (r *Request) IsIntent(name string) bool {
	if r == nil {
		return false
	}
	ir, ok := r.Request.(*IntentRequest)
	return ok && ir.Intent.Name == name
}

// IsEvent reports whether req is an EventRequest for namespace.name.
func (r *Request) IsEvent(namespace, name string) bool {
	if r == nil {
		return false
	}
	er, ok := r.Request.(*EventRequest)
	return ok && er.Event.Is(namespace, name)
}

// SpeechEventPayload is the payload of the SpeechSynthesizer events: the
// token of the speech the event is about.
type SpeechEventPayload struct {
	Token string `json:"token"`
}

// PlayerInfoRange is the range of a TemplateRuntime.RequestPlayerInfo
// event: how many items before and after the token the client asks for.
type PlayerInfoRange struct {
	Before *int `json:"before,omitempty"`
	After  *int `json:"after,omitempty"`
}

// RequestPlayerInfoPayload is the payload of
// TemplateRuntime.RequestPlayerInfo.
type RequestPlayerInfoPayload struct {
	Token string          `json:"token"`
	Range PlayerInfoRange `json:"range"`
}
