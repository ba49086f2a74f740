package benchref

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKakaoFullBlock: the full Kakao struct reads userRequest.block (the
// bench command's former copy spelled its tag "kakaoBlock" and decoded
// nothing there), the bot and the flow's blocks.
func TestKakaoFullBlock(t *testing.T) {
	body, err := os.ReadFile("../../kakao/testdata/webhook/text_input.json")
	if err != nil {
		t.Fatal(err)
	}
	var p kakaoFull
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	want := kakaoBlock{ID: "64f0c2a1b3d4e5f6a7b8c9d0", Name: "주문 조회"}
	if diff := cmp.Diff(want, p.UserRequest.Block); diff != "" {
		t.Errorf("userRequest.block (-want +got)\n%s", diff)
	}
	if p.Bot.ID == "" || p.UserRequest.Utterance == "" || p.UserRequest.User.ID == "" {
		t.Errorf("bot, utterance or user lost: %+v", p)
	}
}
