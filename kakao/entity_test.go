package kakao

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseSysDate(t *testing.T) {
	t.Parallel()
	d, err := ParseSysDate(`{"dateTag": "Friday", "dateHeadword": "", "month": "", "year": "", "date": "2018-11-23", "day": ""}`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(SysDate{Date: "2018-11-23", DateTag: "Friday"}, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	tm, err := d.Time(nil)
	if err != nil || !tm.Equal(time.Date(2018, 11, 23, 0, 0, 0, 0, time.FixedZone("KST", 9*3600))) {
		t.Errorf("Time = %v, %v", tm, err)
	}
	if _, err := (SysDate{Date: "23/11/2018"}).Time(time.UTC); !errors.Is(err, ErrEntity) {
		t.Errorf("bad date: %v", err)
	}
}

func TestParseSysNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want SysNumber
	}{
		{`{"amount": 1, "unit": null}`, SysNumber{Amount: 1}},
		{`{"amount": 2, "unit": "명"}`, SysNumber{Amount: 2, Unit: "명"}},
		{`{"amount": "3.5", "unit": ""}`, SysNumber{Amount: 3.5}},
	}
	for _, tt := range tests {
		got, err := ParseSysNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseSysNumber(%s) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePlugin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
	}{
		{`{"value": "2026-12-04T19:30:00", "userTimeZone": "UTC+9"}`, time.Date(2026, 12, 4, 19, 30, 0, 0, time.FixedZone("", 9*3600))},
		{`{"value": "2026-12-04", "userTimeZone": "UTC-03:30"}`, time.Date(2026, 12, 4, 0, 0, 0, 0, time.FixedZone("", -(3*3600+1800)))},
		{`{"value": "07:15:00", "userTimeZone": "UTC"}`, time.Date(0, 1, 1, 7, 15, 0, 0, time.UTC)},
		{`{"value": "2026-12-04T19:30:00"}`, time.Date(2026, 12, 4, 19, 30, 0, 0, time.FixedZone("", 9*3600))},
	}
	for _, tt := range tests {
		p, err := ParsePlugin(tt.in)
		if err != nil {
			t.Fatalf("ParsePlugin(%s): %v", tt.in, err)
		}
		got, err := p.Time()
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Time(%s) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	p, _ := ParsePlugin(`{"value":"x","userTimeZone":"KST"}`)
	if _, err := p.Time(); !errors.Is(err, ErrEntity) {
		t.Errorf("bad zone: %v", err)
	}
}

func TestEntityErrors(t *testing.T) {
	t.Parallel()
	const secret = "private-value-42"
	tests := []struct {
		name string
		fn   func() error
	}{
		{"date_broken", func() error { _, err := ParseSysDate(`{"date": "` + secret); return err }},
		{"date_no_date", func() error { _, err := ParseSysDate(`{"dateTag": "` + secret + `"}`); return err }},
		{"date_empty", func() error { _, err := ParseSysDate(""); return err }},
		{"number_broken", func() error { _, err := ParseSysNumber(`{"amount": 1, "unit": }`); return err }},
		{"number_text", func() error { _, err := ParseSysNumber(`{"amount": "` + secret + `"}`); return err }},
		{"number_missing", func() error { _, err := ParseSysNumber(`{"unit": "개"}`); return err }},
		{"number_unit_type", func() error { _, err := ParseSysNumber(`{"amount": 1, "unit": 5}`); return err }},
		{"plugin_trailing", func() error { _, err := ParsePlugin(`{"value":"a"} {"b":1}`); return err }},
		{"plugin_not_object", func() error { _, err := ParsePlugin(secret); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.fn()
			var ee *EntityError
			if !errors.Is(err, ErrEntity) || !errors.As(err, &ee) {
				t.Fatalf("error %v does not wrap ErrEntity/*EntityError", err)
			}
			if strings.Contains(err.Error(), secret) || !strings.HasPrefix(err.Error(), "kakao: ") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func TestActionEntityHelpers(t *testing.T) {
	t.Parallel()
	req, err := Decode(readWebhook(t, "sys_entities.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := req.Action.SysDate("sys_date")
	if err != nil || d.Date != "2026-12-04" {
		t.Errorf("SysDate = %+v, %v", d, err)
	}
	n, err := req.Action.SysNumber("sys_number")
	if err != nil || n != (SysNumber{Amount: 2, Unit: "명"}) {
		t.Errorf("SysNumber = %+v, %v", n, err)
	}
	p, err := req.Action.Plugin("sys_plugin_datetime")
	if err != nil || p.Value != "2026-12-04T19:30:00" || p.UserTimeZone != "UTC+9" {
		t.Errorf("Plugin = %+v, %v", p, err)
	}
	_, err = req.Action.SysDate("nope")
	var ee *EntityError
	if !errors.As(err, &ee) || ee.Param != "nope" {
		t.Errorf("absent parameter: %v", err)
	}
	bad := Action{Params: Params{"n": "{broken"}, DetailParams: map[string]DetailParam{"n": {Value: "{also broken"}}}
	_, err = bad.SysNumber("n")
	if !errors.As(err, &ee) || ee.Param != "n" || ee.Kind != "sys_number" || err.Error() != `kakao: parameter "n": sys_number: value is not a JSON object` {
		t.Errorf("both broken: %v", err)
	}
}
