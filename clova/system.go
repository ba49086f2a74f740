package clova

// Context is the client state CLOVA sends with every request.
type Context struct {
	// AudioPlayer is the device's player state, when it has one.
	AudioPlayer *AudioPlayerState `json:"AudioPlayer,omitempty"`
	System      System            `json:"System"`
}

// System describes the extension, device and default user.
type System struct {
	// Application is nil when absent (some real requests omit it; a
	// WebhookHandler then rejects them).
	Application *Application `json:"application,omitempty"`
	Device      Device       `json:"device"`
	// User is the device's default user.
	User *User `json:"user,omitempty"`
}

// Application identifies the extension a request is for.
type Application struct {
	// ApplicationID is the Extension ID, reverse-domain
	// ("com.example.extension.pizzabot").
	ApplicationID string `json:"applicationId"`
}

// Device is the client device.
type Device struct {
	DeviceID string   `json:"deviceId"`
	Display  *Display `json:"display,omitempty"`
}

// Display describes the device's screen. Size "none" means no screen.
type Display struct {
	Size         string        `json:"size,omitempty"`
	Orientation  string        `json:"orientation,omitempty"`
	DPI          int           `json:"dpi,omitempty"`
	ContentLayer *ContentLayer `json:"contentLayer,omitempty"`
}

// ContentLayer is the size of the display's content area.
type ContentLayer struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// AudioPlayerState is context.AudioPlayer: what the device is playing.
type AudioPlayerState struct {
	// OffsetInMilliseconds and TotalInMilliseconds are nil when absent.
	OffsetInMilliseconds *int64 `json:"offsetInMilliseconds,omitempty"`
	// PlayerActivity is IDLE, PLAYING, PAUSED or STOPPED.
	PlayerActivity      string           `json:"playerActivity,omitempty"`
	RepeatMode          string           `json:"repeatMode,omitempty"`
	Stream              *AudioStreamInfo `json:"stream,omitempty"`
	Token               string           `json:"token,omitempty"`
	TotalInMilliseconds *int64           `json:"totalInMilliseconds,omitempty"`
}

// AudioStreamInfo is CEK's AudioStreamInfoObject.
type AudioStreamInfo struct {
	BeginAtInMilliseconds  int64           `json:"beginAtInMilliseconds"`
	DurationInMilliseconds *int64          `json:"durationInMilliseconds,omitempty"`
	Format                 string          `json:"format,omitempty"`
	ProgressReport         *ProgressReport `json:"progressReport,omitempty"`
	Token                  string          `json:"token,omitempty"`
	URL                    string          `json:"url"`
	// URLPlayable false makes the client ask for the stream with an
	// AudioPlayer.StreamRequested event.
	URLPlayable bool   `json:"urlPlayable"`
	CustomData  string `json:"customData,omitempty"`
}

// ProgressReport asks the client for progress events; each field may be
// null.
type ProgressReport struct {
	ProgressReportDelayInMilliseconds    *int64 `json:"progressReportDelayInMilliseconds"`
	ProgressReportIntervalInMilliseconds *int64 `json:"progressReportIntervalInMilliseconds"`
	ProgressReportPositionInMilliseconds *int64 `json:"progressReportPositionInMilliseconds"`
}
