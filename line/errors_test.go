package line_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/line"
)

func TestAPIErrorTextIsBounded(t *testing.T) {
	t.Parallel()
	e := &line.APIError{StatusCode: 400, Message: strings.Repeat("m", 5000)}
	for i := range 50 {
		e.Details = append(e.Details, line.ErrorDetail{Message: strings.Repeat("d", 1000), Property: fmt.Sprintf("messages[%d].text", i)})
	}
	got := e.Error()
	if len(got) > 3000 {
		t.Errorf("Error() is %d bytes long", len(got))
	}
	if !strings.Contains(got, "and 45 more") || !strings.Contains(got, "messages[4].text") || strings.Contains(got, "messages[5].text") {
		t.Errorf("Error() = %q", got)
	}
}
